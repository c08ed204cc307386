"""Next occupations (career paths): rank every occupation of a scheme as a possible next step from one (pure).

An `OccupationSpace` holds, per occupation of one scheme, the features the signals compare:
dense vectors (importance ratings, title embeddings), sparse weighted sets (work activities,
technology, ESCO skills), a Job Zone and a hierarchy code. For a source occupation each signal
gives a similarity to every other occupation; each is standardised over the candidates (mean 0,
standard deviation 1, so a weight means the same for a cosine that is always near 0.9 and one
spread over [0, 1]) and the weighted mean is the content score. Weights are the `DEFAULT_WEIGHTS`
of the space's scheme (measured in docs/recommend.md, section "Next occupations").

Observed transitions (counts of source -> next occupation from work histories) are blended as a
Dirichlet-smoothed transition probability whose prior is the softmax of the content score:
P(next = j | source) = (count_j + PRIOR_STRENGTH * p_content_j) / (N + PRIOR_STRENGTH), so a
source with few observations keeps mostly the content ranking and a well-observed one follows
the observed paths. Without observations the score is p_content itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]

# How much the content ranking counts as pseudo-observations against observed transitions.
PRIOR_STRENGTH = 5.0
# Temperature of the softmax that turns the standardised content score into a probability.
TEMPERATURE = 0.5

# Signal weights per scheme (before normalisation by their sum); measured in docs/recommend.md.
DEFAULT_WEIGHTS: dict[str, dict[str, float]] = {
    "onet-soc-2019": {
        "activities": 1.0,
        "titles": 1.0,
        "skills_knowledge": 1.0,
        "technology": 0.25,
        "job_zone": 0.5,
        "hierarchy": 0.5,
    },
    "esco-occupation": {"skills": 0.4, "titles": 0.2, "onet": 0.2, "hierarchy": 0.2},
    "isco-08": {"skills": 0.5, "titles": 0.3, "hierarchy": 0.2},
}


@dataclass(frozen=True, slots=True)
class SparseRows:
    """Rows of weighted sets (CSR: row i holds `indices[indptr[i]:indptr[i+1]]` with `data`), L2-normalised."""

    indptr: npt.NDArray[np.int64]
    indices: npt.NDArray[np.int32]
    data: FloatArray
    width: int

    @staticmethod
    def from_sets(rows: Sequence[Mapping[int, float]], width: int) -> SparseRows:
        """Rows from {column: weight} maps; each row is scaled to unit length (an empty row stays empty)."""
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        indices: list[int] = []
        data: list[float] = []
        for i, row in enumerate(rows):
            columns = sorted(row)
            norm = float(np.sqrt(sum(row[c] ** 2 for c in columns))) or 1.0
            indices += columns
            data += [row[c] / norm for c in columns]
            indptr[i + 1] = len(indices)
        return SparseRows(indptr, np.array(indices, dtype=np.int32), np.array(data, dtype=np.float32), width)

    def row(self, i: int) -> tuple[npt.NDArray[np.int32], FloatArray]:
        """Columns and weights of row `i`."""
        start, end = int(self.indptr[i]), int(self.indptr[i + 1])
        return self.indices[start:end], self.data[start:end]

    def cosine_with(self, i: int) -> FloatArray:
        """Cosine of row `i` with every row (0 for empty rows)."""
        columns, weights = self.row(i)
        dense = np.zeros(self.width, dtype=np.float32)
        dense[columns] = weights
        products = self.data * dense[self.indices]
        sums = np.add.reduceat(np.append(products, np.float32(0)), self.indptr[:-1])
        sums[self.indptr[:-1] == self.indptr[1:]] = 0.0
        return sums.astype(np.float32)

    def present(self) -> npt.NDArray[np.bool_]:
        """Which rows are not empty."""
        return np.asarray(self.indptr[1:] > self.indptr[:-1])


@dataclass(frozen=True, slots=True)
class SkillProfile:
    """An occupation's skills: essential ones with their importance (for ordering) and optional ones."""

    essential: Mapping[str, float]
    optional: frozenset[str] = frozenset()

    def has(self, skill_id: str) -> bool:
        """Whether the occupation holds `skill_id` as essential or optional."""
        return skill_id in self.essential or skill_id in self.optional


@dataclass(frozen=True, slots=True)
class Carried:
    """Similarities carried over from another space: `similarity[mapped[i], mapped[j]]` (mapped -1: none)."""

    similarity: FloatArray
    mapped: npt.NDArray[np.int32]


@dataclass(frozen=True, slots=True)
class OccupationSpace:
    """The occupations of one scheme with the features the signals compare; rows are aligned with `ids`.

    `dense` vectors are L2-normalised rows (a zero row: no data); `sparse` are weighted sets;
    `job_zones` is NaN where unknown; `hierarchy` holds codes whose shared prefix length says how
    close two occupations sit in the classification (SOC "15-1252", ISCO "2512"); `weights` are
    the signal weights (names of dense, sparse, carried signals and "job_zone", "hierarchy").
    """

    scheme: str
    ids: tuple[str, ...]
    codes: tuple[str, ...]
    labels: tuple[str, ...]
    skills: tuple[SkillProfile, ...]
    skill_labels: Mapping[str, str]
    weights: Mapping[str, float]
    dense: Mapping[str, FloatArray] = field(default_factory=dict)
    sparse: Mapping[str, SparseRows] = field(default_factory=dict)
    carried: Mapping[str, Carried] = field(default_factory=dict)
    job_zones: FloatArray | None = None
    hierarchy: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        n = len(self.ids)
        sizes = [len(self.codes), len(self.labels), len(self.skills)]
        sizes += [len(v) for v in self.dense.values()] + [len(s.indptr) - 1 for s in self.sparse.values()]
        sizes += [len(c.mapped) for c in self.carried.values()]
        if any(size != n for size in sizes):
            raise ValueError("every feature of an occupation space needs one row per occupation")

    def index(self) -> dict[str, int]:
        """Row of each occupation id (and of each code, for look-ups by code)."""
        return {**{code: i for i, code in enumerate(self.codes)}, **{cid: i for i, cid in enumerate(self.ids)}}

    def signal_rows(self, i: int) -> dict[str, tuple[FloatArray, npt.NDArray[np.bool_]]]:
        """Each signal's raw similarity of occupation `i` to every occupation, with where it is defined."""
        rows: dict[str, tuple[FloatArray, npt.NDArray[np.bool_]]] = {}
        for name, vectors in self.dense.items():
            present = np.any(vectors != 0, axis=1)
            if present[i]:
                rows[name] = ((vectors @ vectors[i]).astype(np.float32), present)
        for name, sets in self.sparse.items():
            present = sets.present()
            if present[i]:
                rows[name] = (sets.cosine_with(i), present)
        for name, carried in self.carried.items():
            source = int(carried.mapped[i])
            if source >= 0:
                present = carried.mapped >= 0
                values = carried.similarity[source][np.maximum(carried.mapped, 0)]
                rows[name] = (np.where(present, values, 0).astype(np.float32), present)
        if self.job_zones is not None and not np.isnan(self.job_zones[i]):
            present = ~np.isnan(self.job_zones)
            gap = np.abs(np.nan_to_num(self.job_zones) - self.job_zones[i])
            rows["job_zone"] = ((1.0 - gap / 4.0).astype(np.float32), present)
        if self.hierarchy is not None and self.hierarchy[i]:
            rows["hierarchy"] = _hierarchy_row(self.hierarchy, i)
        return rows


def _hierarchy_row(codes: tuple[str, ...], i: int) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Share of the source's code that each code shares as a prefix (digits only: SOC 15-1252 ~ 151252)."""
    digits = [code.replace("-", "").split(".")[0] for code in codes]
    mine = digits[i]
    values = np.zeros(len(codes), dtype=np.float32)
    for j, other in enumerate(digits):
        shared = 0
        for a, b in zip(mine, other, strict=False):
            if a != b:
                break
            shared += 1
        values[j] = shared / max(len(mine), 1)
    return values, np.array([bool(code) for code in codes])


@dataclass(frozen=True, slots=True)
class SkillRef:
    """A skill named in a result: its id (ESCO skill concept id or O*NET element id) and label."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class NextOccupation:
    """One recommended next occupation and why.

    `score` is the estimated probability of this next step (content prior blended with observed
    transitions); `skill_overlap` the importance-weighted share of the target's essential skills
    the source already has; `skills_to_gain` the target's essential skills the source lacks, most
    important first; `shared_skills` the essential skills both hold; `observed_transitions` how often
    the step was seen; `signals` each signal's standardised similarity (and "transitions": the
    observed share).
    """

    occupation_id: str
    code: str
    label: str
    score: float
    skill_overlap: float
    skills_to_gain: tuple[SkillRef, ...]
    shared_skills: tuple[SkillRef, ...]
    observed_transitions: int
    signals: dict[str, float]


Transitions = Mapping[str, Mapping[str, float]]


def content_scores(
    space: OccupationSpace, i: int, weights: Mapping[str, float] | None = None
) -> tuple[FloatArray, dict[str, FloatArray]]:
    """The weighted mean of the standardised signals of occupation `i` to every occupation, and each signal.

    Signals the source has no data for are left out (their weight with them); a candidate without
    data for a signal counts as average (0) on it.
    """
    chosen = space.weights if weights is None else weights
    standardised: dict[str, FloatArray] = {}
    total = np.zeros(len(space.ids), dtype=np.float32)
    weight_sum = 0.0
    others = np.ones(len(space.ids), dtype=bool)
    others[i] = False
    for name, (values, present) in space.signal_rows(i).items():
        z = _standardise(values, present, present & others)
        standardised[name] = z
        weight = float(chosen.get(name, 0.0))
        if weight > 0:
            total += weight * z
            weight_sum += weight
    return (total / weight_sum if weight_sum else total), standardised


def _standardise(values: FloatArray, present: npt.NDArray[np.bool_], basis: npt.NDArray[np.bool_]) -> FloatArray:
    """(value - mean) / sd with mean and sd over the `basis` candidates; 0 where the signal is not `present`."""
    if not basis.any():
        return np.zeros_like(values)
    mean = float(values[basis].mean())
    spread = float(values[basis].std()) or 1.0
    return np.where(present, (values - mean) / spread, 0.0).astype(np.float32)


def rank_next(
    space: OccupationSpace,
    i: int,
    *,
    k: int = 10,
    transitions: Transitions | None = None,
    include_source: bool = False,
    weights: Mapping[str, float] | None = None,
) -> list[NextOccupation]:
    """The `k` best next occupations from row `i`, best first (the source itself only with `include_source`)."""
    content, signals = content_scores(space, i, weights)
    scores = _blend(space, i, content, transitions, include_source)
    counts = _counts(space, i, transitions)
    order = np.argsort(-scores, kind="stable")
    if not include_source:
        order = order[order != i]
    return [_explain(space, i, int(j), float(scores[j]), counts, signals) for j in order[:k]]


def _counts(space: OccupationSpace, i: int, transitions: Transitions | None) -> FloatArray:
    counts = np.zeros(len(space.ids), dtype=np.float32)
    if transitions is None:
        return counts
    observed = transitions.get(space.ids[i], {})
    index = {cid: j for j, cid in enumerate(space.ids)}
    for target, count in observed.items():
        if target in index:
            counts[index[target]] += float(count)
    return counts


def _blend(
    space: OccupationSpace, i: int, content: FloatArray, transitions: Transitions | None, include_source: bool
) -> FloatArray:
    logits = content.astype(np.float64) / TEMPERATURE
    if not include_source:
        logits[i] = -np.inf
    prior = np.exp(logits - logits.max())
    prior /= prior.sum()
    counts = _counts(space, i, transitions).astype(np.float64)
    if not include_source:
        counts[i] = 0.0
    observed = float(counts.sum())
    blended: FloatArray = ((counts + PRIOR_STRENGTH * prior) / (observed + PRIOR_STRENGTH)).astype(np.float32)
    return blended


def _explain(
    space: OccupationSpace, i: int, j: int, score: float, counts: FloatArray, signals: dict[str, FloatArray]
) -> NextOccupation:
    source, target = space.skills[i], space.skills[j]
    essential = sorted(target.essential.items(), key=lambda item: (-item[1], item[0]))
    total = sum(weight for _skill, weight in essential)
    held = sum(weight for skill, weight in essential if source.has(skill))
    label = space.skill_labels.get
    observed = float(counts.sum())
    named = {name: round(float(values[j]), 4) for name, values in signals.items()}
    if observed:
        named["transitions"] = round(float(counts[j]) / observed, 4)
    return NextOccupation(
        occupation_id=space.ids[j],
        code=space.codes[j],
        label=space.labels[j],
        score=score,
        skill_overlap=held / total if total else 0.0,
        skills_to_gain=tuple(SkillRef(s, label(s, s)) for s, _w in essential if not source.has(s)),
        shared_skills=tuple(SkillRef(s, label(s, s)) for s, _w in essential if source.has(s)),
        observed_transitions=int(counts[j]),
        signals=named,
    )
