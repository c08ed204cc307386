"""Duplicate-detection quality: pairwise and B-cubed metrics, and perturbed copies of real postings.

Pairwise precision/recall count pairs of postings put in one cluster (Christen, *Data
Matching*, 2012, ch. 7); B-cubed averages per posting the share of its predicted cluster that
is right and of its gold cluster that was found (Bagga & Baldwin 1998; Amigó et al. 2009).
"""

from __future__ import annotations

import html
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations

from lmis.enrich.dedup import DedupInput, find_clusters

KINDS = ("exact", "near", "rewritten")
_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|li|h[2-6]|tr|div)>|<br\s*/?>", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True, slots=True)
class Scores:
    """Precision, recall and their harmonic mean."""

    precision: float
    recall: float
    f1: float


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _scores(right: float, predicted: float, gold: float) -> Scores:
    """Scores from counts; nothing predicted (or nothing to find) counts as perfect precision (recall)."""
    precision = right / predicted if predicted else 1.0
    recall = right / gold if gold else 1.0
    return Scores(precision, recall, _f1(precision, recall))


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_scores(gold: Mapping[str, str], predicted: Mapping[str, str]) -> Scores:
    """Pairwise precision/recall/F1 of `predicted` cluster labels against `gold` (same keys)."""
    cells = Counter((gold[item], predicted[item]) for item in gold)
    right = sum(_pairs(n) for n in cells.values())
    predicted_pairs = sum(_pairs(n) for n in Counter(predicted[item] for item in gold).values())
    gold_pairs = sum(_pairs(n) for n in Counter(gold.values()).values())
    return _scores(right, predicted_pairs, gold_pairs)


def bcubed_scores(gold: Mapping[str, str], predicted: Mapping[str, str]) -> Scores:
    """B-cubed precision/recall/F1: per item, shares of its predicted and gold clusters that agree."""
    cells = Counter((gold[item], predicted[item]) for item in gold)
    gold_sizes = Counter(gold.values())
    predicted_sizes = Counter(predicted[item] for item in gold)
    precision = recall = 0.0
    for (gold_label, predicted_label), n in cells.items():
        precision += n * n / predicted_sizes[predicted_label]
        recall += n * n / gold_sizes[gold_label]
    count = len(gold) or 1
    return Scores(precision / count, recall / count, _f1(precision / count, recall / count))


def _cluster_pairs(labels: Mapping[str, str]) -> set[tuple[str, str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for item, label in labels.items():
        groups[label].append(item)
    return {pair for members in groups.values() for pair in combinations(sorted(members), 2)}


def kind_scores(gold: Mapping[str, str], predicted: Mapping[str, str], kinds: Mapping[str, str]) -> dict[str, Scores]:
    """Pairwise scores per perturbation kind, over the pairs with at least one posting of that kind."""
    gold_pairs, predicted_pairs = _cluster_pairs(gold), _cluster_pairs(predicted)
    result: dict[str, Scores] = {}
    for kind in sorted(set(kinds.values())):

        def involves(pair: tuple[str, str], kind: str = kind) -> bool:
            return kinds.get(pair[0]) == kind or kinds.get(pair[1]) == kind

        gold_k = {pair for pair in gold_pairs if involves(pair)}
        predicted_k = {pair for pair in predicted_pairs if involves(pair)}
        result[kind] = _scores(len(gold_k & predicted_k), len(predicted_k), len(gold_k))
    return result


def text_of(description: str) -> str:
    """Plain text of an HTML (or plain) description, one paragraph per line."""
    marked = _BLOCK_END.sub("\n", html.unescape(description) if "&lt;" in description else description)
    lines = (" ".join(line.split()) for line in html.unescape(_TAG.sub(" ", marked)).splitlines())
    return "\n".join(line for line in lines if line)


def record_input(record: Mapping[str, object]) -> DedupInput:
    """A canonical posting record (docs/ingest.md, plus `source`) as duplicate-detection input."""
    employer = record.get("employer") or ""
    address = record.get("address") or {}
    posted = str(record.get("date_posted") or "")[:10]
    source = str(record.get("source") or "")
    skills = record.get("skills")
    return DedupInput(
        id=f"{source}:{record['external_id']}",
        source=source,
        title=str(record.get("title") or ""),
        description_text=text_of(str(record.get("description") or "")),
        employer=str(employer.get("name", "") if isinstance(employer, Mapping) else employer),
        locality=str(address.get("locality", "")) if isinstance(address, Mapping) else "",
        region=str(address.get("region", "")) if isinstance(address, Mapping) else "",
        date_posted=date.fromisoformat(posted) if posted else None,
        skills=frozenset(str(skill) for skill in skills) if isinstance(skills, list) else frozenset(),
    )


def evaluate_dedup(records: Iterable[Mapping[str, object]]) -> dict[str, float]:
    """Cluster canonical records and score them against their gold `cluster` field.

    Returns `n`, pairwise `precision`, `recall`, `f1`, `bcubed_f1`, and `f1_<kind>`,
    `precision_<kind>`, `recall_<kind>` for each `perturbation` kind the records carry
    (pairs with at least one posting of that kind; see `kind_scores`).
    """
    inputs: list[DedupInput] = []
    gold: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for record in records:
        item = record_input(record)
        inputs.append(item)
        gold[item.id] = str(record["cluster"])
        if record.get("perturbation"):
            kinds[item.id] = str(record["perturbation"])
    predicted = {assignment.posting_id: assignment.cluster_id for assignment in find_clusters(inputs)}
    pairwise, bcubed = pairwise_scores(gold, predicted), bcubed_scores(gold, predicted)
    result = {
        "n": float(len(inputs)),
        "precision": pairwise.precision,
        "recall": pairwise.recall,
        "f1": pairwise.f1,
        "bcubed_f1": bcubed.f1,
    }
    for kind, scores in kind_scores(gold, predicted, kinds).items():
        if kind in KINDS:
            result |= {f"f1_{kind}": scores.f1, f"precision_{kind}": scores.precision, f"recall_{kind}": scores.recall}
    return result


def shingle_jaccard(a: str, b: str) -> float:
    """Exact Jaccard of the word 3-shingle sets of two texts (lower-cased words)."""

    def shingles(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"\w+", text.lower())
        return {tuple(words[i : i + 3]) for i in range(max(1, len(words) - 2))}

    left, right = shingles(a), shingles(b)
    return len(left & right) / len(left | right) if left | right else 1.0


# Rule-based paraphrases: (pattern, replacement) applied to a chosen sentence, first match wins
# per rule; words not covered by a phrase rule fall back to `_WORD_SYNONYMS`.
_PHRASES = (
    (r"\bwe are looking for\b", "we are seeking"),
    (r"\bwe are seeking\b", "we would like to hear from"),
    (r"\bwould like to hear from\b", "are keen to recruit"),
    (r"\bthe successful candidate\b", "the person appointed"),
    (r"\bthe post holder\b", "the successful applicant"),
    (r"\byou will be\b", "you'll be"),
    (r"\byou will\b", "you are expected to"),
    (r"\bis responsible for\b", "is accountable for"),
    (r"\bplease contact\b", "please get in touch with"),
    (r"\bfor further information\b", "for more details"),
    (r"\bin order to\b", "to"),
    (r"\bas well as\b", "and also"),
    (r"\bable to\b", "capable of being able to"),
    (r"\bopportunity\b", "chance"),
    (r"\bapplicants\b", "candidates"),
)
_WORD_SYNONYMS = {
    "role": "position",
    "team": "department",
    "provide": "deliver",
    "support": "assist",
    "work": "operate",
    "experience": "background",
    "patients": "service users",
    "high": "excellent",
    "quality": "standard",
    "staff": "colleagues",
    "skills": "abilities",
    "join": "become part of",
    "within": "in",
    "ensure": "make sure",
    "including": "such as",
    "develop": "grow",
    "service": "provision",
    "care": "treatment",
    "new": "fresh",
    "working": "operating",
    "good": "strong",
    "excellent": "outstanding",
    "must": "should",
    "also": "as well",
    "require": "need",
    "required": "needed",
    "available": "on offer",
    "help": "aid",
    "part": "portion",
}
_TITLE_SYNONYMS = (
    (r"\bstaff nurse\b", "Registered Nurse (Staff)"),
    (r"\bhealthcare assistant\b", "Health Care Assistant"),
    (r"\bhealth care assistant\b", "Healthcare Support Worker"),
    (r"\badministrator\b", "Admin Officer"),
    (r"\bmanager\b", "Lead"),
    (r"\bassistant\b", "Asst."),
    (r"\bsenior\b", "Snr"),
    (r"\bphysiotherapist\b", "Physio"),
    (r"\boccupational therapist\b", "OT"),
    (r"\bband (\d)\b", r"(Band \1)"),
)
_BOILERPLATE = (
    "We are an equal opportunities employer and welcome applications from all sections of the community.",
    "Please note this vacancy may close early if a high number of applications is received.",
    "Apply online through our careers site; CVs sent by email cannot be accepted.",
)


def _paraphrase(sentence: str) -> str:
    """Rewrite one sentence with the phrase rules, else with word synonyms (every other hit)."""
    for pattern, replacement in _PHRASES:
        changed = re.sub(pattern, replacement, sentence, count=1, flags=re.IGNORECASE)
        if changed != sentence:
            sentence = changed
    words = sentence.split(" ")
    hits = [i for i, word in enumerate(words) if word.lower().strip(",.;:") in _WORD_SYNONYMS]
    for i in hits[::2]:
        bare = words[i].lower().strip(",.;:")
        words[i] = words[i].lower().replace(bare, _WORD_SYNONYMS[bare])
    return " ".join(words)


def rewrite_title(title: str, rng: random.Random) -> str:
    """Synonyms and reordering: "Staff Nurse" -> "Registered Nurse (Staff)", "A - B" -> "B - A"."""
    changed = title
    for pattern, replacement in _TITLE_SYNONYMS:
        changed = re.sub(pattern, replacement, changed, flags=re.IGNORECASE)
    parts = [part.strip() for part in re.split(r"\s[-–/|]\s|,\s", changed) if part.strip()]
    if len(parts) > 1:
        changed = " - ".join(reversed(parts))
    elif changed == title and len(words := title.split()) > 1:
        first = rng.randrange(len(words) - 1)
        changed = " ".join(words[:first] + words[first + 1 :]) + f" ({words[first]})"
    return changed


def _paragraphs(record: Mapping[str, object]) -> list[str]:
    return text_of(str(record.get("description") or "")).split("\n")


def _as_html(paragraphs: Sequence[str]) -> str:
    return "".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in paragraphs if paragraph)


def _copy(record: Mapping[str, object], kind: str, source: str, suffix: str, shift: int) -> dict[str, object]:
    posted = date.fromisoformat(str(record["date_posted"])[:10]) + timedelta(days=shift)
    return dict(record) | {
        "external_id": f"{record['external_id']}-{suffix}",
        "source": source,
        "perturbation": kind,
        "date_posted": posted.isoformat(),
    }


def exact_copy(record: Mapping[str, object], source: str) -> dict[str, object]:
    """The same text on another source, with another external id."""
    return _copy(record, "exact", source, "x", 0)


def near_copy(record: Mapping[str, object], source: str, rng: random.Random) -> dict[str, object]:
    """Two or three small edits: case, whitespace, punctuation, a dropped sentence, boilerplate, salary."""
    paragraphs = _paragraphs(record)
    title = str(record["title"])
    for edit in rng.sample(("case", "space", "punct", "drop", "boiler", "salary"), rng.randint(2, 3)):
        if edit == "case":
            title = title.upper() if rng.random() < 0.5 else title.lower()
        elif edit == "space":
            paragraphs = [p.replace(" ", "  ") + " " for p in paragraphs]
        elif edit == "punct":
            paragraphs = [p.replace(",", "").replace(";", ",") for p in paragraphs]
        elif edit == "drop":
            sentences = [s for p in paragraphs for s in _SENTENCE_END.split(p)]
            if len(sentences) > 3:
                del sentences[rng.randrange(len(sentences))]
            paragraphs = sentences
        elif edit == "boiler":
            paragraphs = [*paragraphs, rng.choice(_BOILERPLATE)]
        else:
            salary = rng.randrange(18, 60) * 1000
            paragraphs = [p for p in paragraphs if "£" not in p]
            paragraphs.append(f"Salary: £{salary:,} - £{salary + rng.randrange(2, 9) * 1000:,} per annum")
    repost = rng.random() < 0.25
    copy = _copy(record, "near", str(record["source"]) if repost else source, "n", rng.randint(7, 30) if repost else 0)
    return copy | {"title": title, "description": _as_html(paragraphs)}


def rewritten_copy(record: Mapping[str, object], source: str, rng: random.Random) -> dict[str, object]:
    """Title synonyms/reordering, paragraphs shuffled, 20-40% of sentences paraphrased, 1-14 days later."""
    paragraphs = _paragraphs(record)
    rng.shuffle(paragraphs)
    sentences = [_SENTENCE_END.split(paragraph) for paragraph in paragraphs]
    flat = [(i, j) for i, paragraph in enumerate(sentences) for j in range(len(paragraph))]
    for i, j in rng.sample(flat, round(len(flat) * rng.uniform(0.2, 0.4))):
        sentences[i][j] = _paraphrase(sentences[i][j])
    copy = _copy(record, "rewritten", source, "r", rng.randint(1, 14))
    title = rewrite_title(str(record["title"]), rng)
    return copy | {"title": title, "description": _as_html([" ".join(paragraph) for paragraph in sentences])}


def build_perturbation_set(
    originals: Sequence[Mapping[str, object]],
    distractors: Sequence[Mapping[str, object]],
    seed: int,
    *,
    copy_share: float = 0.35,
) -> list[dict[str, object]]:
    """Originals, their perturbed copies and distractors, labelled with gold `cluster` and `perturbation`.

    Each original independently gets an exact, a near and a rewritten copy with probability
    `copy_share` each, on other sources ("partner_a".."partner_c"); distractors (genuinely
    different vacancies) are their own clusters. Output order is shuffled with `seed` too.
    """
    rng = random.Random(seed)  # noqa: S311 - a reproducible evaluation set, not a secret
    partners = ("partner_a", "partner_b", "partner_c")
    out: list[dict[str, object]] = []
    for original in originals:
        base = dict(original) | {"cluster": f"{original['source']}:{original['external_id']}"}
        out.append(base | {"perturbation": "original"})
        if rng.random() < copy_share:
            out.append(exact_copy(base, rng.choice(partners)))
        if rng.random() < copy_share:
            out.append(near_copy(base, rng.choice(partners), rng))
        if rng.random() < copy_share:
            out.append(rewritten_copy(base, rng.choice(partners), rng))
    for distractor in distractors:
        cluster = f"{distractor['source']}:{distractor['external_id']}"
        out.append(dict(distractor) | {"cluster": cluster, "perturbation": "distractor"})
    rng.shuffle(out)
    return out
