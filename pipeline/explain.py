"""Why an article counts as relevant, which stances it takes, and which story it joined.

Everything shown comes from the warehouse: the relevance evidence stored when
the article was processed, the passages and what the cluster stage decided
for each, and the story's other articles. Only the closest stances of each
passage are computed again, from its stored embedding, with the classifier
the cluster stage uses.
"""

from __future__ import annotations

import json
import textwrap

import numpy as np

from core.config import Config
from core.errors import VeilleError
from warehouse.store import DOCUMENT_HASH_PREFIX, Store

CLOSEST = 3


def explain_article(config: Config, key: str) -> str:
    from nlp.embeddings import load_encoder
    from nlp.stances.seeded import SeededStances, Thresholds
    from nlp.stances.taxonomy import Taxonomy

    store = Store(config.db)
    rows = store.fetch("explain_article", {"key": key})
    if not rows:
        raise VeilleError(f"no article with id or url {key!r}; "
                          "list some with: veille query \"SELECT article_id, url FROM articles\"")
    article = rows[0]
    encoder = load_encoder(config.models.embedding, config.models.cache_dir)
    lines = [f"{article['title'] or '(no title)'}",
             f"  {article['url']}",
             f"  id {article['article_id']} · {article['language']} · {article['source']} · "
             f"published {article['published_at'] or 'unknown'}", ""]
    lines += _relevance(article)
    taxonomy = Taxonomy.load()
    seeded = SeededStances.from_taxonomy(taxonomy, encoder)
    thresholds = Thresholds.load(encoder.model_id)
    lines += _stances(store, article, seeded, thresholds, encoder.model_id)
    lines += _story(store, article, encoder.model_id)
    return "\n".join(lines)


def _relevance(article: dict) -> list[str]:
    verdict = "relevant" if article["relevant"] else "not relevant"
    evidence = json.loads(article["relevance_evidence"]) if article["relevance_evidence"] else None
    if evidence is None:
        return [f"Relevance: {verdict}, score {article['relevance']:.2f} "
                "(processed before evidence was kept: `veille process --reprocess` records it)", ""]
    lines = [f"Relevance: {verdict} — score {evidence['score']:.2f} against the threshold {evidence['threshold']:.2f}"
             + ("" if evidence["gate"] else "; the gate failed: it needs AI and either openness terms or a "
                "lab or model of the knowledge base")]
    lines.append(f"  openness terms: {', '.join(evidence['openness_terms']) or 'none'}")
    lines.append(f"  debate terms: {', '.join(evidence['angle_terms']) or 'none'}; AI terms: {evidence['ai_terms']}")
    lines.append(f"  labs and models: {', '.join(evidence['entities']) or 'none'}"
                 + (" (one named in the lead)" if evidence["entity_in_lead"] else ""))
    lines.append(f"  similarity to the topic's descriptions: {evidence['similarity']:.2f}")
    ranked = sorted(evidence["contributions"].items(), key=lambda kv: -abs(kv[1]))
    lines.append("  weighed most: " + ", ".join(f"{name} {value:+.2f}" for name, value in ranked[:4] if value))
    return [*lines, ""]


def _stances(store: Store, article: dict, seeded, thresholds, model_id: str) -> list[str]:
    passages = store.fetch("explain_passages", {"article_id": article["article_id"], "model_id": model_id})
    stances = store.fetch("explain_article_stances", {"article_id": article["article_id"]})
    if stances:
        lines = ["Stances (share of the confidence of its passages):"]
        lines += [f"  {s['score']:.0%}  {s['label']} [{s['cluster_id']}], {s['passages']} passage(s)" for s in stances]
    else:
        lines = ["Stances: none" + ("" if article["relevant"] else " (only relevant articles are read for stances)")]
    for passage in passages:
        lines.append("")
        lines += textwrap.wrap(f"Passage {passage['ordinal'] + 1}: {passage['text']}", width=100,
                               initial_indent="  ", subsequent_indent="    ", max_lines=6)
        decided = {"stance": f"joined {passage['label']} [{passage['cluster_id']}], confidence "
                             f"{passage['score']:.2f}" if passage["score"] is not None else "joined a cluster",
                   "none": "reads as factual news: takes no stance",
                   "waiting": "undecided: waits for an emergent debate"}.get(passage["decision"], passage["decision"])
        lines.append(f"    decision: {decided}")
        if passage["vector"] is not None:
            scores = seeded.score(np.asarray([passage["vector"]], dtype=np.float32), [passage["text"]],
                                  [article["language"]], thresholds)
            probabilities = scores.probabilities[0]
            closest = np.argsort(-probabilities)[:CLOSEST]
            cues = seeded.cue_counts([passage["text"]], [article["language"]])[0]
            lines.append("    closest stances: " + ", ".join(
                f"{seeded.ids[i]} {probabilities[i]:.2f}" + (f" ({int(cues[i])} cue(s))" if cues[i] else "")
                for i in closest) + f"; no stance {scores.background[0]:.2f}")
    return [*lines, ""]


def _story(store: Store, article: dict, model_id: str) -> list[str]:
    members = store.fetch("explain_story", {"story_id": article["story_id"], "model_id": model_id,
                                            "prefix": DOCUMENT_HASH_PREFIX}) if article["story_id"] else []
    others = [m for m in members if m["article_id"] != article["article_id"]]
    if not others:
        return ["Story: its own (no copy or translation found)"]
    me = next(m for m in members if m["article_id"] == article["article_id"])
    lines = [f"Story {article['story_id']}: {len(members)} articles"]
    for other in others:
        why = []
        if me["vector"] is not None and other["vector"] is not None:
            why.append(f"document similarity {float(np.dot(me['vector'], other['vector'])):.2f}")
        shared = sorted(set(me["entity_ids"] or []) & set(other["entity_ids"] or []))
        if shared:
            why.append("both name " + ", ".join(shared[:4]))
        lines.append(f"  {other['language']} {other['published_at'] or ''} {other['title'] or other['url']}"
                     + (f" — {'; '.join(why)}" if why else ""))
    return lines
