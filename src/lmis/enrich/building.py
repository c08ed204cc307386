"""Builds the enrichment models from the stored taxonomy: the occupation coder, the skill extractor,
the gazetteer; embeddings of labels and coded titles are cached in the data folder."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

import numpy as np

from lmis.enrich.coding import CodedExample, OccupationCoder, OccupationLabel
from lmis.enrich.enricher import EnrichmentModels
from lmis.enrich.gazetteer_file import load_gazetteer
from lmis.enrich.ports import Embedder, EnrichUnitOfWork, Vectors
from lmis.enrich.skills import MAX_LABEL_WORDS, SkillExtractor, SkillLabel
from lmis.shared.errors import NotFound
from lmis.shared.files import replaced_atomically
from lmis.shared.progress import Progress, SilentProgress
from lmis.taxonomy.model import ConceptKind, LabelType
from lmis.taxonomy.ports import TaxonomyUnitOfWork
from lmis.taxonomy.schemes import ESCO_OCCUPATION, ESCO_SKILL

_EMBED_CHUNK = 1024


def occupation_labels(*, uow: TaxonomyUnitOfWork, language: str = "en") -> list[OccupationLabel]:
    """Every label of every current ESCO occupation in `language`, with its ISCO-08 unit group."""
    with uow:
        hits = uow.taxonomy.label_hits(
            [], kinds={ConceptKind.OCCUPATION}, schemes=[ESCO_OCCUPATION.code], language=language, limit=10**7
        )
        records = {r.concept.id: r for r in uow.taxonomy.records({hit.concept.id for hit in hits})}
    labels = [
        OccupationLabel(hit.concept.id, hit.text, str(records[hit.concept.id].concept.attributes.get("isco_group", "")))
        for hit in hits
        if hit.concept.id in records
    ]
    if not labels:
        raise NotFound("no ESCO occupations are stored: run `lmis init` (or `lmis taxonomy import esco`)")
    return sorted(labels, key=lambda label: (label.concept_id, label.text))


def build_occupation_coder(
    *, uow: TaxonomyUnitOfWork, embedder: Embedder, cache_dir: Path, progress: Progress | None = None
) -> OccupationCoder:
    """The coder over all English ESCO occupation labels; label vectors are cached in `cache_dir`.

    Labels are embedded as queries too: title-to-label matching is symmetric, and on 3,000
    JobBERT titles this beat query-to-passage (top-1 0.243 vs 0.233, ISCO-4 0.331 vs 0.322).
    """
    labels = occupation_labels(uow=uow)
    keys = [(label.concept_id, label.text) for label in labels]
    version = f"{embedder.version}|symmetric"
    vectors = _cached_vectors("occupation-labels", keys, embedder.queries, version, cache_dir, progress)
    return OccupationCoder(labels, vectors, embedder)


def example_vectors(examples: Sequence[CodedExample], *, embedder: Embedder, cache_dir: Path) -> Vectors:
    """Query embeddings of the examples' titles; each distinct title is embedded once and kept in `cache_dir`.

    Reviewers add examples one by one, so the cache is per title (not per set): a new
    decision embeds one title, not all of them again.
    """
    cache = cache_dir / f"coded-titles-{hashlib.sha256(embedder.version.encode()).hexdigest()[:12]}.npz"
    known: dict[str, Vectors] = {}
    if cache.is_file():
        with np.load(cache) as stored:
            known = dict(zip(stored["texts"].tolist(), stored["vectors"], strict=True))
    missing = sorted({example.text for example in examples} - known.keys())
    if missing:
        known.update(zip(missing, embedder.queries(missing), strict=True))
        texts = sorted(known)
        with replaced_atomically(cache) as partial:
            np.savez(partial, texts=np.array(texts), vectors=np.stack([known[text] for text in texts]))
    if not examples:
        return np.zeros((0, 384), dtype=np.float32)
    return np.stack([known[example.text] for example in examples]).astype(np.float32)


def skill_labels(*, uow: TaxonomyUnitOfWork, language: str = "en") -> list[SkillLabel]:
    """Preferred and alternative labels (<= `MAX_LABEL_WORDS` words) of current ESCO skills and knowledge."""
    with uow:
        hits = uow.taxonomy.label_hits(
            [], kinds={ConceptKind.SKILL}, schemes=[ESCO_SKILL.code], language=language, limit=10**7
        )
    labels = {
        SkillLabel(hit.concept.id, hit.concept.code, hit.text, hit.label_type == LabelType.PREFERRED)
        for hit in hits
        if hit.label_type in (LabelType.PREFERRED, LabelType.ALTERNATIVE)
        and (hit.label_type == LabelType.PREFERRED or len(hit.text.split()) <= MAX_LABEL_WORDS)
    }
    if not labels:
        raise NotFound("no ESCO skills are stored: run `lmis init` (or `lmis taxonomy import esco`)")
    return sorted(labels, key=lambda label: (label.concept_id, not label.preferred, label.text))


def build_skill_extractor(
    *,
    uow: TaxonomyUnitOfWork,
    embedder: Embedder,
    cache_dir: Path,
    windowed: bool = False,
    progress: Progress | None = None,
) -> SkillExtractor:
    """The extractor over English ESCO skill labels; preferred-label vectors are cached in `cache_dir`.

    Only preferred labels are embedded: all ~103k labels of <= 6 words take ~17 minutes at the
    measured ~103 labels/s, the 13.9k preferred ones ~2.3 minutes. Alternative labels still
    count for exact (lexical) matches.
    """
    labels = skill_labels(uow=uow)
    keys = [(label.concept_id, label.text) for label in labels if label.preferred]
    vectors = _cached_vectors("skill-labels", keys, embedder.passages, embedder.version, cache_dir, progress)
    return SkillExtractor(labels, vectors, embedder, windowed=windowed)


def _cached_vectors(
    name: str,
    keys: list[tuple[str, str]],
    embed: Callable[[Sequence[str]], Vectors],
    version: str,
    cache_dir: Path,
    progress: Progress | None = None,
) -> Vectors:
    """Vectors of the label texts in `keys` ((concept id, text) pairs), embedded once and cached.

    The cache file is named by a hash of `version` and every key, so a new taxonomy release or
    model never reuses stale vectors. Embedding reports to `progress` in chunks.
    """
    digest = hashlib.sha256(version.encode())
    for concept_id, text in keys:
        digest.update(f"{concept_id}\x1f{text}\x1e".encode())
    cache = cache_dir / f"{name}-{digest.hexdigest()[:16]}.npy"
    if cache.is_file():
        vectors: Vectors = np.load(cache)
        return vectors
    texts = [text for _concept_id, text in keys]
    report = progress or SilentProgress()
    report.begin(f"Embedding {len(texts):,} {name.replace('-', ' ')} (once; cached)", len(texts))
    parts = []
    for start in range(0, len(texts), _EMBED_CHUNK):
        parts.append(embed(texts[start : start + _EMBED_CHUNK]))
        report.advance(len(parts[-1]))
    vectors = np.vstack(parts).astype(np.float32) if parts else np.zeros((0, 384), dtype=np.float32)
    with replaced_atomically(cache) as partial:
        np.save(partial, vectors)
    return vectors


def load_models(
    *,
    uow: Callable[[], EnrichUnitOfWork],
    taxonomy_uow: Callable[[], TaxonomyUnitOfWork],
    embedder: Embedder,
    cache_dir: Path,
    gazetteer_path: Path | None,
    steps: Collection[str],
    progress: Progress | None = None,
) -> EnrichmentModels:
    """The models the enrichment steps need; a step whose data is missing (no ESCO stored) gets None."""
    coder = extractor = None
    release = _esco_release(taxonomy_uow())
    if "occupation" in steps and release:
        coder = build_occupation_coder(uow=taxonomy_uow(), embedder=embedder, cache_dir=cache_dir, progress=progress)
        with uow() as work:
            examples = work.enrichment.examples()
        if examples:
            coder = coder.with_examples(examples, example_vectors(examples, embedder=embedder, cache_dir=cache_dir))
    if "skills" in steps and release:
        extractor = build_skill_extractor(uow=taxonomy_uow(), embedder=embedder, cache_dir=cache_dir, progress=progress)
    gazetteer = (
        load_gazetteer(gazetteer_path) if "place" in steps and gazetteer_path and gazetteer_path.is_file() else None
    )
    return EnrichmentModels(coder, extractor, gazetteer, release, embedder.version)


def _esco_release(uow: TaxonomyUnitOfWork) -> str:
    """The id of the current ESCO release, or "" when none is stored."""
    with uow:
        releases = uow.taxonomy.releases()
    return next((r.release.id for r in releases if r.current and r.release.family == "esco"), "")
