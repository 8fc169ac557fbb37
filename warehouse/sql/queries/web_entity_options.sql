-- Labs and models to choose from in a search form.
SELECT entity_id, name, kind FROM entities ORDER BY name;
