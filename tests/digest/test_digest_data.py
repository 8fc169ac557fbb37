from digest.data import gather
from digest.weeks import IsoWeek
from warehouse.query import run_query
from warehouse.store import Store


def test_headline_figures(data):
    figures = {f.language: (f.articles, f.relevant) for f in data.headline.by_language}
    # a5 (Sunday 23:30 UTC, written as Monday 00:30 +01:00) is in; p3 (the Sunday
    # before, 23:59:59 UTC) and b1 (Monday 00:00 UTC after) are out.
    assert figures == {"en": (4, 3), "fr": (2, 2), "zh": (2, 2)}
    assert (data.headline.articles, data.headline.relevant) == (8, 7)
    assert data.headline.relevant_languages == ("en", "fr", "zh")
    assert [(s.source, s.language, s.articles) for s in data.headline.new_sources] == [("nouveau-fr", "fr", 1)]


def test_top_stories_rank_by_versions_languages_then_recency(data):
    assert [s.story_id for s in data.stories] == ["a1", "a4", "a6", "a8"]
    first = data.stories[0]
    assert [v.article_id for v in first.versions] == ["a1", "a2", "a3"]  # earliest first
    assert first.languages == ("en", "fr", "zh")
    assert data.stories[3].versions[0].published_at is None  # dated by its fetch time
    assert all(v.article_id != "a7" for s in data.stories for v in s.versions)  # not relevant


def test_stance_shares_by_language(data):
    shares = {g.language: {s.cluster_id: round(s.share, 4) for s in g.shares} for g in data.stances}
    assert shares == {
        "en": {"strategy": 0.5, "risk": 0.3333, "cheaper": 0.1667},  # a7 (not relevant) left out
        "zh": {"cheaper": 0.5, "sanctions": 0.375, "strategy": 0.125},
        "fr": {"strategy": 1.0},
    }
    assert [(g.language, g.articles) for g in data.stances] == [("en", 3), ("zh", 2), ("fr", 1)]
    assert data.stances[0].shares[0].label == "Open source as strategy"


def test_labs_and_models_with_change(data):
    assert [(e.entity_id, e.articles, e.previous_articles, e.change) for e in data.labs] == [
        ("deepseek", 3, 0, 3),
        ("mistral", 2, 1, 1),
        ("moonshot", 2, 0, 2),
        ("meta", 1, 3, -2),  # its mention in the irrelevant a7 does not count
    ]
    assert [(e.name, e.articles) for e in data.models] == [("DeepSeek-V4", 3), ("Kimi K3", 2)]
    assert data.labs[2].name == "月之暗面" and data.labs[2].name_en == "Moonshot AI"


def test_models_seen_for_the_first_time(data):
    assert [(m.entity_id, m.lab, m.articles, m.first_source) for m in data.new_models] == [
        ("deepseek-v4", "DeepSeek", 3, "techwire-en"),
        ("kimi-k3", "月之暗面", 2, "xinhua-zh"),
    ]
    # Llama 5 and Magistral 2 were first named the week before.
    assert not {"llama-5", "magistral-2"} & {m.entity_id for m in data.new_models}


def test_previous_week_knows_its_own_new_models(db, week):
    data = gather(Store(db), week.previous())
    assert {m.entity_id for m in data.new_models} == {"llama-5", "magistral-2"}
    assert [s.story_id for s in data.stories][:1] == ["p1"]


def _assert_empty(data):
    assert data.headline.by_language == () and data.headline.new_sources == ()
    assert data.stories == data.stances == data.labs == data.models == data.new_models == ()
    assert (data.headline.articles, data.headline.relevant) == (0, 0)
    assert len(data.footer) == 2


def test_a_quiet_week_is_empty_not_an_error(db):
    _assert_empty(gather(Store(db), IsoWeek(2026, 10)))


def test_a_first_week_on_an_empty_db(empty_db, week):
    _assert_empty(gather(Store(empty_db), week))


def test_footer_queries_run_with_veille_query(db, data):
    articles, mentions = data.footer
    assert "'" in articles.sql and "$" not in articles.command and '"' not in articles.sql
    assert articles.command.startswith('veille query "SELECT')
    result = run_query(db, articles.sql, db.parent)
    assert len(result.rows) == 7
    result = run_query(db, mentions.sql, db.parent)
    assert ("lab", "DeepSeek", "zh", 1) in result.rows
