-- The encoder whose vectors the stances were built with (the latest, if several).
SELECT model_id FROM stance_clusters ORDER BY updated_at DESC LIMIT 1;
