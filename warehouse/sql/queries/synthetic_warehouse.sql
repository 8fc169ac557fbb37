-- Fills an empty, migrated warehouse with generated articles, mentions, passages,
-- embeddings and stances, for benchmarks at a size no demo reaches. Sizes come from
-- variables: SET VARIABLE articles / mentions_per_article / passages_per_article /
-- dimension / model_id before running it. Reproducible: the random seed is fixed.
SELECT setseed(0.42);

CREATE TEMP TABLE vocabulary AS
SELECT * FROM (VALUES
    ('en', ['open', 'weights', 'model', 'release', 'licence', 'safety', 'researchers', 'compute', 'benchmark',
            'training', 'data', 'government', 'startup', 'chips', 'regulation', 'developers', 'source', 'closed',
            'frontier', 'inference', 'reasoning', 'agents', 'export', 'policy', 'investors', 'community']),
    ('fr', ['ouvert', 'poids', 'modèle', 'publication', 'licence', 'sécurité', 'chercheurs', 'calcul', 'données',
            'entraînement', 'gouvernement', 'jeune', 'pousse', 'puces', 'régulation', 'développeurs', 'source',
            'fermé', 'souveraineté', 'raisonnement', 'agents', 'européen', 'politique', 'investisseurs', 'libre']),
    ('zh', ['开源', '权重', '模型', '发布', '许可', '安全', '研究人员', '算力', '数据', '训练', '政府', '初创',
            '芯片', '监管', '开发者', '闭源', '前沿', '推理', '智能体', '出口', '政策', '投资', '社区', '国产'])
) AS v(language, words);

INSERT INTO entities (entity_id, kind, name, parent_id, country, openness, license, lab_id)
SELECT 'lab-' || i, 'lab', 'Lab ' || i, NULL, ['US', 'FR', 'CN'][1 + i % 3], NULL, NULL, 'lab-' || i
FROM range(40) AS t(i)
UNION ALL
SELECT 'model-' || i, 'model', 'Model ' || i, 'lab-' || (i % 40), NULL,
       ['open_weights', 'closed', 'open_source'][1 + i % 3], ['Apache-2.0', 'proprietary', 'MIT'][1 + i % 3],
       'lab-' || (i % 40)
FROM range(160) AS t(i);

INSERT INTO entity_aliases
SELECT entity_id, name, 'mul' FROM entities
UNION ALL
SELECT entity_id, replace(replace(name, 'Lab ', '实验室'), 'Model ', '模型') , 'zh' FROM entities
UNION ALL
SELECT entity_id, replace(replace(name, 'Lab ', 'Labo '), 'Model ', 'Modèle '), 'fr' FROM entities;

INSERT INTO stance_clusters
SELECT 'stance-' || i, 'Stance ' || i, CASE WHEN i < 8 THEN 'seeded' ELSE 'emergent' END,
       ['pro', 'con', 'neutral'][1 + i % 3],
       json_object('en', 'Stance ' || i, 'fr', 'Position ' || i, 'zh', '立场' || i), NULL,
       to_json(['p' || (i * 997) || ':0', 'p' || (i * 997 + 1) || ':1', 'p' || (i * 997 + 2) || ':2']),
       getvariable('model_id'), [0.0], 1000, TIMESTAMPTZ '2026-01-01', TIMESTAMPTZ '2026-12-01'
FROM range(14) AS t(i);

CREATE TEMP TABLE generated AS
SELECT i, v.language, v.words, TIMESTAMPTZ '2026-12-01' - to_minutes(CAST(floor(random() * 525600) AS BIGINT)) AS published_at
FROM range(getvariable('articles')) AS t(i)
JOIN vocabulary AS v ON v.language = ['en', 'fr', 'zh'][1 + i % 3];

INSERT INTO articles (article_id, url, source, title, author, site_name, language, script, published_at, fetched_at,
                      text, word_count, relevance, relevant, story_id, nlp_version, processed_at)
SELECT 'a' || i, 'https://source' || (i % 30) || '.example/' || i, 'source' || (i % 30),
       replace(array_to_string([words[1 + CAST(floor(random() * len(words)) AS INTEGER)] FOR x IN range(8)], ' '),
               ' ', CASE WHEN language = 'zh' THEN '' ELSE ' ' END),
       NULL, NULL, language, CASE WHEN language = 'zh' THEN 'Hans' END, published_at, published_at,
       replace(array_to_string([words[1 + CAST(floor(random() * len(words)) AS INTEGER)] FOR x IN range(400)], ' '),
               ' ', CASE WHEN language = 'zh' THEN '' ELSE ' ' END),
       400, random(), random() < 0.8, 's' || (i // 6), 'synthetic', TIMESTAMPTZ '2026-12-01'
FROM generated;

INSERT INTO mentions (article_id, entity_id, surface, start_char, end_char, method, score, sentence)
WITH picked AS (
    SELECT a.i, k, CASE WHEN random() < 0.3 THEN 'lab-' ELSE 'model-' END
                   || CAST(floor(pow(random(), 2) * 40) AS INTEGER) AS entity_id
    FROM generated AS a, range(getvariable('mentions_per_article')) AS t(k)
)
SELECT 'a' || p.i, e.entity_id, e.name, p.k * 40, p.k * 40 + 8, 'ruler', 1.0, NULL
FROM picked AS p
JOIN entities AS e USING (entity_id);

INSERT INTO passages
SELECT 'a' || a.i || ':' || k, 'a' || a.i, k, a.language, 'passage ' || k || ' of article ' || a.i,
       md5('passage ' || k || ' of article ' || a.i), k * 120, k * 120 + 110
FROM generated AS a, range(getvariable('passages_per_article')) AS t(k);

INSERT INTO embeddings
SELECT text_hash, getvariable('model_id'),
       [CAST(random() - 0.5 AS FLOAT) FOR x IN range(getvariable('dimension'))]
FROM passages;

INSERT INTO passage_stances (passage_id, cluster_id, score, polarity, model_id, decision)
SELECT passage_id, CASE WHEN random() < 0.6 THEN 'stance-' || CAST(floor(random() * 14) AS INTEGER) END,
       random(), NULL, getvariable('model_id'), 'stance'
FROM passages;
UPDATE passage_stances SET decision = 'none' WHERE cluster_id IS NULL;

INSERT INTO article_stances
SELECT p.article_id, s.cluster_id, count(*) / any_value(n.total), count(*)
FROM passage_stances AS s
JOIN passages AS p USING (passage_id)
JOIN (SELECT p.article_id, count(*) AS total FROM passage_stances AS s JOIN passages AS p USING (passage_id)
      WHERE s.cluster_id IS NOT NULL GROUP BY ALL) AS n USING (article_id)
WHERE s.cluster_id IS NOT NULL
GROUP BY ALL;

UPDATE stance_clusters SET representatives = (
    SELECT to_json(list(passage_id ORDER BY passage_id)[1:5]) FROM (
        SELECT passage_id FROM passage_stances AS s WHERE s.cluster_id = stance_clusters.cluster_id LIMIT 5));

INSERT INTO entity_candidate_mentions
SELECT 'a' || i, 'newmodel-' || (i % 50), 'NewModel-' || (i % 50), language, 1000, 1010, 'a sentence naming it'
FROM generated
WHERE i % 97 = 0;
