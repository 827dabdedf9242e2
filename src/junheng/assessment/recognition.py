"""The arithmetic of the social-recognition survey, standard.md §7: the sample plan and the rates.

Pure functions over counts and the standard's `[recognition]` settings; no database, so the pages,
the report and the tests compute every figure in this one place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from junheng.standards import Standard, StandardError

PARENTS = "parents"


@dataclass(frozen=True, slots=True)
class RecognitionSettings:
    """The standard's `[recognition]` table, typed."""

    options: tuple[str, ...]
    counted_options: frozenset[str]
    unknown_leaves_denominator: bool
    min_rate: Decimal
    sample_per_mille: Decimal
    min_sample: int
    min_parent_share: Decimal
    min_valid_return_rate: Decimal

    @classmethod
    def from_standard(cls, standard: Standard) -> RecognitionSettings:
        settings = standard.recognition
        if settings is None:
            raise StandardError(standard.name, "标准没有社会认可度调查（[recognition]）的设置")
        return cls(
            options=settings.options,
            counted_options=frozenset(settings.counted_options),
            unknown_leaves_denominator=settings.unknown_option_leaves_denominator,
            min_rate=settings.min_rate,
            sample_per_mille=settings.sample_per_mille,
            min_sample=settings.min_sample,
            min_parent_share=settings.min_parent_share,
            min_valid_return_rate=settings.min_valid_return_rate,
        )

    @property
    def unknown_option(self) -> str:
        """The scale's "don't know" answer: by the standard's convention the last option (不了解)."""
        return self.options[-1]


@dataclass(frozen=True, slots=True)
class SamplePlan:
    """How many respondents to survey, and how many of each group (standard.md §7)."""

    population: int
    by_population: int
    total: int
    per_group: tuple[tuple[str, int], ...]


def _ceil(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def sample_plan(population: int, groups: Sequence[str], settings: RecognitionSettings) -> SamplePlan:
    """1.5‰ of the resident population, at least the floor; parents at least half; the rest spread evenly.

    Counts are rounded up (the standard's figures are minimums); a remainder goes to the first groups
    in the order given. 300,000 residents → 450 → the floor 600 → 300 parents, 50 for each of six others.
    """
    by_population = _ceil(Decimal(population) * settings.sample_per_mille / 1000)
    total = max(by_population, settings.min_sample)
    parents = _ceil(total * settings.min_parent_share)
    others = [group for group in groups if group != PARENTS]
    share, extra = divmod(total - parents, len(others)) if others else (0, 0)
    counts = {PARENTS: parents} | {group: share + (1 if i < extra else 0) for i, group in enumerate(others)}
    return SamplePlan(population, by_population, total, tuple((group, counts[group]) for group in groups))


@dataclass(frozen=True, slots=True)
class Tally:
    """One group's (or the whole survey's) figures: links issued, valid responses, answers by option."""

    issued: int
    responses: int
    answers: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Recognition:
    """The recognition rate and the valid-return rate of a tally (standard.md §7)."""

    issued: int
    responses: int
    counted: int
    valid: int
    rate: Decimal | None
    return_rate: Decimal | None
    rate_met: bool
    return_rate_met: bool

    @property
    def passed(self) -> bool:
        """Recognised by at least the minimum rate, in a survey whose valid-return rate is high enough."""
        return self.rate_met and self.return_rate_met


def recognition(tally: Tally, settings: RecognitionSettings) -> Recognition:
    """Counted answers ÷ valid answers; 不了解 leaves the denominator when the standard says so.

    The valid-return rate is valid responses ÷ links issued. A rate with nothing to divide by is None.
    """
    counted = sum(n for option, n in tally.answers.items() if option in settings.counted_options)
    valid = sum(
        n
        for option, n in tally.answers.items()
        if option in settings.options
        and not (settings.unknown_leaves_denominator and option == settings.unknown_option)
    )
    rate = Decimal(counted) / Decimal(valid) if valid else None
    return_rate = Decimal(tally.responses) / Decimal(tally.issued) if tally.issued else None
    return Recognition(
        issued=tally.issued,
        responses=tally.responses,
        counted=counted,
        valid=valid,
        rate=rate,
        return_rate=return_rate,
        rate_met=rate is not None and rate >= settings.min_rate,
        return_rate_met=return_rate is not None and return_rate >= settings.min_valid_return_rate,
    )


def pooled(tallies: Sequence[Tally]) -> Tally:
    """Every group's tally together: the overall rate weighs each answer alike (the standard's default)."""
    answers: dict[str, int] = {}
    for tally in tallies:
        for option, n in tally.answers.items():
            answers[option] = answers.get(option, 0) + n
    return Tally(sum(t.issued for t in tallies), sum(t.responses for t in tallies), answers)
