"""SQL files: numbered migrations here, named queries under ``queries/``."""
