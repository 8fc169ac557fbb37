"""The stages of the pipeline, each reading its input from the warehouse and writing its output there."""
