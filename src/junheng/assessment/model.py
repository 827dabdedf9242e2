"""The typed assessment of a county's year, standard.md §1: four dimensions of items, and the veto items.

Every check carries its figure and threshold as numbers (`value`, `bound`, with `comparison` and `unit`)
and its state; the words a page or the report shows (`figure`, `threshold`, `reason`) come with it, made
once here in the core, so that every adapter shows the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from junheng.assessment.states import State, combined

RESOURCES, GUARANTEE, QUALITY, RECOGNITION = "resources", "guarantee", "quality", "recognition"
DIMENSION_NAMES = {RESOURCES: "资源配置", GUARANTEE: "政府保障程度", QUALITY: "教育质量", RECOGNITION: "社会认可度"}
VETO_UNCHECKED = "未核查"


@dataclass(frozen=True, slots=True)
class Evidence:
    """A file kept as evidence of a decision: its id where the platform stores it, and its name."""

    id: int | None
    name: str


@dataclass(frozen=True, slots=True)
class Decision:
    """The county office's judgement of an item, with its note, who and when, and its evidence."""

    passed: bool
    note: str = ""
    decided_by: str = ""
    decided_at: datetime | None = None
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class VetoCheck:
    """Whether a veto item applies to the county's year, as the county office recorded it."""

    applies: bool
    note: str = ""
    checked_by: str = ""
    checked_at: datetime | None = None
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class Check:
    """One check of an item: the figure found against the threshold required.

    `value` and `bound` are numbers (a share as a fraction when `unit` is "%"; None when not reported or
    when the check has no number, like a yes/no one); `comparison` is "≤", "≥", "<", "=" or "是".
    """

    label: str
    value: float | None
    bound: float | None
    comparison: str
    unit: str
    state: State
    figure: str
    threshold: str
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class SchoolNote:
    """A school behind an item that fails or is pending: its 学校标识码, its name, why, and its state.

    `id` is the platform's identifier of the school where the caller knows it (None otherwise)."""

    code: str
    name: str
    reason: str
    state: State
    id: int | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """An item of a dimension (a difference coefficient, the school rule, G14, Q3, S1…) and its state."""

    id: str
    name: str
    kind: str  # resources, school_data, county_figure, judgement, recognition
    checks: tuple[Check, ...]
    state: State
    schools: tuple[SchoolNote, ...] = ()
    decision: Decision | None = None

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why the item is not 达标, one phrase per check that is not."""
        return tuple(c.reason for c in self.checks if c.reason and c.state is not State.PASSED)

    def sentence(self, dimension: str) -> str:
        """“政府保障程度：G14 未达标——…”: the item's state and why, as the page and the report word it."""
        return f"{dimension}：{self.id} {self.state}——{'；'.join(self.reasons) or self.name}"


@dataclass(frozen=True, slots=True)
class Dimension:
    """One of the four dimensions: 未达标 if any item fails, 待判定 while any is pending, else 达标."""

    key: str
    name: str
    items: tuple[Item, ...]

    @property
    def state(self) -> State:
        return combined(item.state for item in self.items)

    @property
    def failed(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.state is State.FAILED)

    @property
    def pending(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.state is State.PENDING)

    @property
    def counts(self) -> str:
        """“2 项未达标，3 项待判定”, or “各项均达标”."""
        return counts_text(len(self.failed), len(self.pending))


@dataclass(frozen=True, slots=True)
class Veto:
    """A veto item of the checklist and what was recorded: 未核查 (pending) until the county office checks it."""

    key: str
    label: str
    check: VetoCheck | None = None

    @property
    def applies(self) -> bool | None:
        return None if self.check is None else self.check.applies

    @property
    def state(self) -> State:
        """未达标 when it applies, 达标 when checked and not applying, 待判定 while unchecked."""
        return State.of(None if self.check is None else not self.check.applies)

    @property
    def word(self) -> str:
        return VETO_UNCHECKED if self.check is None else "存在" if self.check.applies else "不存在"


@dataclass(frozen=True, slots=True)
class Assessment:
    """standard.md §1: the county passes when all four dimensions pass and no veto item applies.

    It fails when any dimension fails or any veto applies; until then it is pending while any item is
    pending or any veto item is unchecked.
    """

    county: str
    year: int
    standard: str
    standard_title: str
    dimensions: tuple[Dimension, ...]
    vetoes: tuple[Veto, ...]

    @property
    def state(self) -> State:
        return combined([*(d.state for d in self.dimensions), *(v.state for v in self.vetoes)])

    @property
    def passed(self) -> bool:
        return self.state is State.PASSED

    def dimension(self, key: str) -> Dimension:
        return next(d for d in self.dimensions if d.key == key)

    @property
    def failed(self) -> tuple[tuple[Dimension, Item], ...]:
        return tuple((d, item) for d in self.dimensions for item in d.failed)

    @property
    def pending(self) -> tuple[tuple[Dimension, Item], ...]:
        return tuple((d, item) for d in self.dimensions for item in d.pending)

    @property
    def failed_count(self) -> int:
        """Items and veto items that fail."""
        return len(self.failed) + sum(v.state is State.FAILED for v in self.vetoes)

    @property
    def pending_count(self) -> int:
        """Items and veto items still to be judged."""
        return len(self.pending) + sum(v.state is State.PENDING for v in self.vetoes)

    @property
    def counts(self) -> str:
        """“4 项未达标，23 项待判定” over every item and veto item."""
        return counts_text(self.failed_count, self.pending_count)

    @property
    def headline(self) -> str:
        word = {State.PASSED: "达到", State.FAILED: "未达到", State.PENDING: "尚待判定是否达到"}[self.state]
        return f"{self.county} {self.year} 年度{word}县域义务教育优质均衡发展要求"

    @property
    def failures(self) -> tuple[str, ...]:
        """What fails, in words: applying veto items first, then each failing item."""
        vetoes = [
            f"一票否决：{v.label}" + (f"（{v.check.note}）" if v.check and v.check.note else "")
            for v in self.vetoes
            if v.applies
        ]
        return (*vetoes, *(item.sentence(d.name) for d, item in self.failed))

    @property
    def pendings(self) -> tuple[str, ...]:
        """What is still to be judged, in words: unchecked veto items, then each pending item."""
        unchecked = [v.label for v in self.vetoes if v.state is State.PENDING]
        vetoes = [f"一票否决项{VETO_UNCHECKED}：{'、'.join(unchecked)}"] if unchecked else []
        return (*vetoes, *(item.sentence(d.name) for d, item in self.pending))

    @property
    def reasons(self) -> tuple[str, ...]:
        """Every reason it is not 达标: what fails first, then what is pending."""
        return (*self.failures, *self.pendings)


def counts_text(failed: int, pending: int) -> str:
    parts = ([f"{failed} 项未达标"] if failed else []) + ([f"{pending} 项待判定"] if pending else [])
    return "，".join(parts) or "各项均达标"
