"""Synthetic school data: realistic counties for demos, tests and benchmarks (contracts.md §1).

The table has the columns and dtypes of `schema.polars_schema()`, as the reader returns them without `row`.
Counties are 区, 县级市 or 县, with more 城区 schools in a 区 and more 乡村 schools and 教学点 in a 县.
Each school's national-2017 resources are drawn as threshold × a lognormal factor (standard.md §2):
most schools pass, a minority miss an indicator or two, and counties whose schools differ more than
usual fail difference coefficients (§3). Rural schools are poorer in teachers and equipment, urban
schools in space. Every row obeys the data file's rules: whole non-negative counts, students only in the
学段 a school type offers, teachers and classes only where there are students.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt
import polars as pl
import polars.selectors as cs

from junheng.engine import evaluate
from junheng.engine.indicators import value_column
from junheng.levels import ALL_LEVELS, COMPULSORY_LEVELS
from junheng.schema import AT_MOST, polars_schema
from junheng.standards import Standard, load_standard

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Scope:
    """A named size of synthetic data; `schools_per_county` None draws realistic, varied county sizes."""

    counties: int
    schools_per_county: int | None


NATIONAL_SCHOOLS, NATIONAL_COUNTIES = 207_000, 2_900

SCOPES: Mapping[str, Scope] = MappingProxyType(
    {
        "county": Scope(counties=1, schools_per_county=96),
        "province": Scope(counties=100, schools_per_county=None),
        "national": Scope(counties=NATIONAL_COUNTIES, schools_per_county=None),
    }
)

TYPES = ("primary", "junior", "nine_year", "complete_middle", "twelve_year", "teaching_point", "special")
AREAS = ("urban", "town", "rural")
PRIMARY, JUNIOR, NINE, COMPLETE, TWELVE, POINT, SPECIAL = range(len(TYPES))
URBAN, TOWN, RURAL = range(len(AREAS))

# County kinds: suffix, share of counties, relative number of schools, share of schools per area.
_KIND_SUFFIX = ("区", "市", "县")
_KIND_SHARE = (0.34, 0.14, 0.52)
_KIND_SIZE = (0.8, 1.1, 1.1)
_KIND_AREAS = ((0.70, 0.18, 0.12), (0.35, 0.35, 0.30), (0.15, 0.35, 0.50))
_SPECIAL_SCHOOL_SHARE = 0.8  # of counties; about 2,300 special schools in 2,900 counties
_MIN_SCHOOLS = 8

# Type mix by area (rows) and type (columns, TYPES order without special): about 70 % 小学 and 教学点,
# 23 % 初中, 5 % 九年一贯制, 2 % 完全中学 and 十二年一贯制 overall.
_TYPE_MIX = np.array(
    [
        [0.630, 0.282, 0.050, 0.030, 0.008, 0.000],
        [0.585, 0.287, 0.060, 0.015, 0.003, 0.050],
        [0.500, 0.127, 0.050, 0.0025, 0.0005, 0.320],
    ]
)
# Enrolment of all 学段 together: median, lognormal sigma, and bounds, by type (rows) and area.
_SIZE_MEDIAN = np.array(
    [[1500, 650, 120], [1400, 900, 350], [2000, 1000, 400], [2600, 1800, 1200], [3000, 2200, 1500], [22] * 3, [80] * 3]
)
_SIZE_SIGMA = np.array(
    [[0.4, 0.5, 0.6], [0.4, 0.45, 0.5], [0.35, 0.45, 0.5], [0.35] * 3, [0.35] * 3, [0.65] * 3, [0.5] * 3]
)
_SIZE_BOUNDS = np.array([[25, 3600], [60, 3200], [80, 3800], [600, 5000], [800, 5000], [4, 90], [15, 400]])
# Dirichlet weights of the primary, junior and senior shares of enrolment, by type.
_LEVEL_SHARE = np.array([[1, 0, 0], [0, 1, 0], [31, 19, 0], [0, 18, 22], [24, 13.5, 12.5], [1, 0, 0], [13, 6, 1]])

# The national-2017 resources drawn around their thresholds: teachers per 学段, then shared ones.
_TEACHERS = ("teachers_above_degree", "backbone_teachers", "pe_art_teachers")
_SHARED = ("teaching_aux_area_m2", "sports_area_m2", "equipment_value_yuan", "multimedia_rooms")
# log(value ÷ threshold) by area (rows) and resource (_TEACHERS then _SHARED): rural schools lack
# backbone and PE/art teachers, equipment and rooms; urban schools lack floor space and sports grounds.
_RESOURCE_MU = np.array(
    [
        [0.52, 0.58, 0.52, 0.34, 0.24, 0.58, 0.52],
        [0.52, 0.47, 0.47, 0.52, 0.52, 0.47, 0.47],
        [0.57, 0.34, 0.34, 0.62, 0.67, 0.34, 0.40],
    ]
)
_COUNTY_MU_SIGMA = 0.12  # how much richer or poorer a county is than others
_SPREAD_MEDIAN, _SPREAD_SIGMA = 0.2, 0.45  # the spread of schools within a county, itself varying

# Figures without a threshold in national-2017, typical of the statistics (basic-2012, G3, G5).
_STUDENTS_PER_TEACHER = ((17.0, 13.0), (14.0, 12.0), (11.0, 10.0))  # by area, primary and junior
_CLASS_SIZE = (42.0, 40.0, 28.0)  # by area
_POINT_CLASS_SIZE, _POINT_MAX_CLASSES = 12.0, 4
_COMPUTERS_PER_100 = (16.0, 13.0, 10.0)  # by area
_BOOKS_PER_STUDENT = (25.0, 35.0, 40.0)  # by 学段
_ROOM_AREA = (104.0, 98.0)  # music, art
_PRIVATE_SHARE = (0.10, 0.06, 0.015)  # by area

_PROVINCES = (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54,
              61, 62, 63, 64, 65)  # fmt: skip
_CODE_OFFSET = (1, 81, 21)  # county codes: 区 01–, 县级市 81–, 县 21–
_COUNTIES_PER_CITY = 10
_PLACE_FIRST = (
    "安宝北滨长崇大德东丰凤福富高广海汉和鹤红洪华怀黄惠吉嘉建江金晋靖九康兰乐黎"
    "临灵龙隆罗梅绵南宁平普青清庆仁荣瑞三沙山上石寿双顺泰天通万文武西仙新兴阳永玉云昭"
)
_PLACE_SECOND = "安昌城川丰峰阜冈谷海和河湖华化江口林陵宁平坪浦山水台泰田亭溪祥兴阳源远州庄泉原沙塘桥关门岭湾埠集营"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
_VILLAGE_ENDINGS = "家庄湾坪沟岭屯寨营堡桥集"

# School names: the first school of a family in a place gets the first name, the n-th “第n” + the second.
_FAMILIES = (
    ("实验小学", "小学"),  # 0 urban primary: county prefix
    ("中心小学", "小学"),  # 1 town primary: 镇 prefix
    ("小学", "小学"),  # 2 rural primary: village prefix
    ("教学点", "教学点"),  # 3 teaching point: village prefix
    ("第一中学", "中学"),  # 4 urban junior or complete middle: county prefix
    ("中学", "中学"),  # 5 town or rural junior or complete middle: 乡镇 prefix
    ("实验学校", "实验学校"),  # 6 urban nine-year: county prefix
    ("九年一贯制学校", "九年一贯制学校"),  # 7 town or rural nine-year: 乡镇 prefix
    ("外国语学校", "外国语学校"),  # 8 twelve-year: county prefix
    ("特殊教育学校", "特殊教育学校"),  # 9 special: county prefix
)
_FAMILY = np.array([[0, 1, 2], [4, 5, 5], [6, 7, 7], [4, 5, 5], [8, 8, 8], [3, 3, 3], [9, 9, 9]])
_COUNTY_PREFIX, _TOWN_PREFIX = 0, 1  # otherwise the village
_PREFIX_OF_FAMILY = np.array([0, 1, 2, 2, 0, 1, 0, 1, 0, 0])


def synthesize(
    *, counties: int, schools_per_county: int | None = None, years: Sequence[int] = (2025,), seed: int
) -> pl.DataFrame:
    """A school data table for `counties` counties, the same schools in every year of `years`.

    `schools_per_county` gives every county that many schools; None draws county sizes from a
    lognormal averaging the national 207,000 schools in 2,900 counties. Enrolment drifts by up to
    ±5 % a year and resources grow. The same seed gives the same table.
    """
    if counties < 1:
        raise ValueError("县区个数至少为 1")
    if schools_per_county is not None and schools_per_county < 1:
        raise ValueError("每县学校数至少为 1")
    if not years:
        raise ValueError("至少需要一个年度")
    rng = np.random.default_rng(seed)
    standard = load_standard("national-2017")
    kind = rng.choice(len(_KIND_SUFFIX), size=counties, p=_KIND_SHARE)
    sizes = _county_sizes(rng, kind, schools_per_county)
    county = np.repeat(np.arange(counties), sizes)
    area = _draw_rows(rng, np.array(_KIND_AREAS)[kind[county]])
    school_type = _draw_rows(rng, _TYPE_MIX[area])
    special = _special_schools(rng, sizes)
    school_type[special], area[special] = SPECIAL, URBAN
    static = _identity(rng, kind, sizes, county, area, school_type)
    latent = _Latent.draw(rng, standard, county, area, school_type)
    ordered = sorted(set(years))
    drift = latent.drifts(rng, len(ordered))
    frames = [
        static.with_columns(pl.lit(year, pl.Int64).alias("year"), **latent.columns(drift[t]))
        for t, year in enumerate(ordered)
    ]
    schema = pl.Schema(polars_schema())
    return pl.concat(frames).select(schema.names()).cast(schema)


def _county_sizes(rng: np.random.Generator, kind: Ints, schools_per_county: int | None) -> Ints:
    """Schools per county: fixed, or lognormal shares of the national mean times the county count."""
    n = len(kind)
    if schools_per_county is not None:
        return np.full(n, schools_per_county, dtype=np.int64)
    total = round(n * NATIONAL_SCHOOLS / NATIONAL_COUNTIES)
    weights = rng.lognormal(0.0, 0.7, size=n) * np.array(_KIND_SIZE)[kind]
    quota = weights / weights.sum() * max(total - n * _MIN_SCHOOLS, 0)
    sizes = np.floor(quota).astype(np.int64)
    short = int(max(total - n * _MIN_SCHOOLS, 0) - sizes.sum())
    sizes[np.argsort(sizes - quota)[:short]] += 1
    counts: Ints = sizes + _MIN_SCHOOLS
    return counts


def _draw_rows(rng: np.random.Generator, probabilities: Floats) -> Ints:
    """One category per row of a probability matrix, vectorised by inverting each row's cumulative sum."""
    cumulative = np.cumsum(probabilities, axis=1)
    u = rng.random(len(probabilities))[:, None] * cumulative[:, -1:]
    drawn: Ints = np.minimum((u >= cumulative).sum(axis=1), probabilities.shape[1] - 1).astype(np.int64)
    return drawn


def _special_schools(rng: np.random.Generator, sizes: Ints) -> Ints:
    """The first school of most counties becomes its 特殊教育学校."""
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return starts[rng.random(len(sizes)) < _SPECIAL_SCHOOL_SHARE]


def _identity(
    rng: np.random.Generator, kind: Ints, sizes: Ints, county: Ints, area: Ints, school_type: Ints
) -> pl.DataFrame:
    """The columns that stay the same every year: county, identifiers, names, type, area, ownership."""
    n_counties, n = len(kind), len(county)
    names = _county_names(rng, n_counties, kind)
    codes, province = _county_codes(rng, kind)
    towns = np.maximum(3, np.round(sizes / 6).astype(np.int64))
    zhen = np.ceil(towns * 0.6).astype(np.int64)  # the first 60 % are 镇, the rest 乡
    town_start = np.concatenate([[0], np.cumsum(towns)[:-1]])
    town_names = _combinations(rng, _PLACE_FIRST, _PLACE_SECOND, int(towns.sum()), unique=False)
    local = np.floor(rng.random(n) * np.where(area == TOWN, zhen[county], towns[county])).astype(np.int64)
    town_suffix = np.where(local < zhen[county], "镇", "乡")
    village = _combinations(rng, _SURNAMES, _VILLAGE_ENDINGS, n, unique=False)
    family = _FAMILY[school_type, area]
    prefix_kind = _PREFIX_OF_FAMILY[family]
    public = (school_type == POINT) | (school_type == SPECIAL)
    private = ~public & (rng.random(n) < np.array(_PRIVATE_SHARE)[area])
    boarding_share = np.select(
        [school_type == POINT, school_type == SPECIAL, np.isin(school_type, [JUNIOR, NINE]) & (area != URBAN)],
        [0.0, 0.5, np.where(area == RURAL, 0.6, 0.4)],
        default=np.where(area == RURAL, 0.1, 0.03),
    )
    frame = pl.DataFrame(
        {
            "county": names[county],
            "county_code": codes[county],
            "school_id": (1_000_000_000 + province[county] * 10_000_000 + np.arange(n)).astype(str),
            "school_type": np.array(TYPES)[school_type],
            "ownership": np.where(private, "private", "public"),
            "area_type": np.array(AREAS)[area],
            "boarding": rng.random(n) < boarding_share,
            "_county": county,
            "_family": family,
            "_prefix_kind": prefix_kind,
            "_town": town_names[town_start[county] + local].astype(object) + town_suffix.astype(object),
            "_village": village.astype(object) + "村",
        }
    )
    prefix = (
        pl.when(pl.col("_prefix_kind") == _COUNTY_PREFIX)
        .then(pl.col("county"))
        .when(pl.col("_prefix_kind") == _TOWN_PREFIX)
        .then(pl.col("_town"))
        .otherwise(pl.col("_town") + pl.col("_village"))
    )
    ordinal = pl.int_range(1, pl.len() + 1, dtype=pl.Int64).over("_county", "_prefix", "_family")
    frame = frame.with_columns(prefix.alias("_prefix")).with_columns(ordinal.alias("_ordinal"))
    ordinals = frame["_ordinal"].to_numpy()
    numerals = np.array([_chinese_numeral(i) for i in range(int(ordinals.max()) + 1)])
    frame = frame.with_columns(
        pl.Series("_first", np.array([f[0] for f in _FAMILIES])[family]),
        pl.Series("_later", np.array([f[1] for f in _FAMILIES])[family]),
        pl.Series("_numeral", numerals[ordinals]),
    )
    name = (
        pl.when(pl.col("_ordinal") == 1)
        .then(pl.col("_prefix") + pl.col("_first"))
        .otherwise(pl.concat_str("_prefix", pl.lit("第"), "_numeral", "_later"))
    )
    return frame.with_columns(name.alias("school_name")).drop(cs.starts_with("_"))


def _county_names(rng: np.random.Generator, n: int, kind: Ints) -> npt.NDArray[np.object_]:
    """Distinct two-character place names with the kind's suffix (区, 市, 县)."""
    stems = _combinations(rng, _PLACE_FIRST, _PLACE_SECOND, n, unique=True)
    if len(stems) < n:
        raise ValueError(f"最多只能生成 {len(stems)} 个不重名的县区")
    names: npt.NDArray[np.object_] = stems.astype(object) + np.array(_KIND_SUFFIX, dtype=object)[kind]
    return names


def _combinations(rng: np.random.Generator, first: str, second: str, n: int, *, unique: bool) -> npt.NDArray[np.str_]:
    """`n` two-character names, one character from each string; distinct when `unique`."""
    pairs = np.array([a + b for a in first for b in second if a != b])
    picks = rng.permutation(len(pairs))[:n] if unique else rng.integers(len(pairs), size=n)
    return pairs[picks]


def _county_codes(rng: np.random.Generator, kind: Ints) -> tuple[npt.NDArray[np.str_], Ints]:
    """Six-digit 县区代码, province + city + county, distinct; and each county's province."""
    n = len(kind)
    province = np.sort(np.array(_PROVINCES)[rng.integers(len(_PROVINCES), size=n)])
    first = np.searchsorted(province, province)
    rank = np.arange(n) - first
    city = rank // _COUNTIES_PER_CITY + 1
    local = np.array(_CODE_OFFSET)[kind] + rank % _COUNTIES_PER_CITY
    return (province * 10_000 + city * 100 + local).astype(str), province.astype(np.int64)


def _chinese_numeral(n: int) -> str:
    """一 … 九百九十九, as ordinals are written in school names (第十二中学)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 100:
        tens = "" if n < 20 else digits[n // 10]
        return f"{tens}十{digits[n % 10] if n % 10 else ''}"
    if n < 1000:
        rest = n % 100
        if rest == 0:
            return f"{digits[n // 100]}百"
        joint = "零" if rest < 10 else "" if rest >= 20 else "一"  # 一百零五, 一百一十二, 一百二十
        return f"{digits[n // 100]}百{joint}{_chinese_numeral(rest)}"
    return str(n)


@dataclass(frozen=True, slots=True)
class _Latent:
    """Per-school quantities before rounding, from which every year's whole numbers are made."""

    school_type: Ints
    area: Ints
    students: Floats  # (n, 3): primary, junior, senior
    required: npt.NDArray[np.bool_]  # (n, 3): 学段 that must keep at least one student
    teacher_rate: Floats  # (n, _TEACHERS, primary and junior): teachers per student
    students_per_teacher: Floats  # (n, 2)
    mid_title_share: Floats  # (n, 2)
    shared: Floats  # (n, 4): _SHARED
    class_size: Floats  # (n,)
    class_extra: Ints  # (n, 2)
    room_delta: Ints  # (n,)
    room_area: Floats  # (n, 2)
    computers: Floats  # (n,)
    books: Floats  # (n,)

    @staticmethod
    def draw(rng: np.random.Generator, standard: Standard, county: Ints, area: Ints, school_type: Ints) -> _Latent:
        n = len(county)
        median, sigma = _SIZE_MEDIAN[school_type, area], _SIZE_SIGMA[school_type, area]
        low, high = _SIZE_BOUNDS[school_type, 0], _SIZE_BOUNDS[school_type, 1]
        total = np.clip(median * np.exp(sigma * rng.standard_normal(n)), low, high)
        alpha = _LEVEL_SHARE[school_type]
        shares = rng.gamma(np.where(alpha > 0, alpha, 1.0)) * (alpha > 0)
        students = total[:, None] * shares / shares.sum(axis=1, keepdims=True)
        required = (alpha > 0) & (school_type != SPECIAL)[:, None]
        n_counties = int(county.max()) + 1
        county_mu = _COUNTY_MU_SIGMA * rng.standard_normal((n_counties, 7))
        spread = _SPREAD_MEDIAN * np.exp(_SPREAD_SIGMA * rng.standard_normal(n_counties))
        mu = _RESOURCE_MU[area] + county_mu[county]  # (n, 7)
        noise = spread[county]
        indicators = {ind.resource: ind for ind in standard.indicators}
        thresholds = np.array(
            [[float(indicators[r].thresholds[lv]) for lv in COMPULSORY_LEVELS] for r in _TEACHERS + _SHARED]
        )
        scale = np.array([indicators[r].per_students for r in _TEACHERS + _SHARED], dtype=np.float64)
        per_student = thresholds / scale[:, None]  # (7 resources, primary and junior)
        teacher_factor = np.exp(mu[:, :3, None] + noise[:, None, None] * rng.standard_normal((n, 3, 2)))
        teacher_rate = per_student[None, :3, :] * teacher_factor
        # A shared resource is drawn for the whole school: what would meet every 学段's threshold, times
        # the factor. Senior students count at the junior threshold scaled by their split weight.
        weights = {lv: float(w) for lv, w in standard.split_weights.items()}
        senior = per_student[3:, 1:] * weights["senior"] / weights["junior"]
        shared_factor = np.exp(mu[:, 3:] + noise[:, None] * rng.standard_normal((n, 4)))
        shared = (students @ np.hstack([per_student[3:], senior]).T) * shared_factor
        ratio = np.array(_STUDENTS_PER_TEACHER)[area] * np.exp(0.15 * rng.standard_normal((n, 2)))
        size = np.where(school_type == POINT, _POINT_CLASS_SIZE, np.array(_CLASS_SIZE)[area])
        poorer = np.where(area == RURAL, 0.8, 1.0)
        return _Latent(
            school_type=school_type,
            area=area,
            students=students,
            required=required,
            teacher_rate=teacher_rate,
            students_per_teacher=ratio,
            mid_title_share=rng.uniform(0.35, 0.7, size=(n, 2)),
            shared=shared,
            class_size=size * np.exp(0.1 * rng.standard_normal(n)),
            class_extra=rng.integers(0, 5, size=(n, 2)),
            room_delta=rng.choice(np.array([-1, 0, 1]), size=n, p=[0.08, 0.7, 0.22]),
            room_area=np.array(_ROOM_AREA) * np.exp(0.08 * rng.standard_normal((n, 2))),
            computers=total * np.array(_COMPUTERS_PER_100)[area] / 100 * np.exp(0.3 * rng.standard_normal(n)),
            books=students @ np.array(_BOOKS_PER_STUDENT) * poorer * np.exp(0.25 * rng.standard_normal(n)),
        )

    def drifts(self, rng: np.random.Generator, years: int) -> list[_Drift]:
        """Year-on-year changes, cumulative: enrolment ±5 % a year, resources growing."""
        n = len(self.school_type)
        drift = _Drift(np.ones((n, 3)), np.ones((n, 3, 2)), np.ones((n, 4)), np.ones(n))
        out = [drift]
        for _ in range(years - 1):
            building = np.where(rng.random((n, 2)) < 0.05, 1.2, 1.0) * rng.uniform(1.0, 1.03, size=(n, 2))
            drift = _Drift(
                students=drift.students * rng.uniform(0.95, 1.05, size=(n, 3)),
                teachers=drift.teachers * rng.uniform(1.0, 1.03, size=(n, 3, 2)),
                shared=drift.shared
                * np.column_stack([building, rng.uniform(1.03, 1.08, size=n), rng.uniform(1.0, 1.05, size=n)]),
                stock=drift.stock * rng.uniform(1.0, 1.06, size=n),
            )
            out.append(drift)
        return out

    def columns(self, drift: _Drift) -> dict[str, pl.Series]:
        """One year's whole-number columns."""
        students = np.rint(self.students * drift.students).astype(np.int64)
        students = np.where(self.required, np.maximum(students, 1), students)
        pj = students[:, :2]
        has = pj > 0
        teachers = np.rint(self.teacher_rate * drift.teachers * pj[:, None, :]).astype(np.int64)
        teachers[:, 0, :] = np.where(has, np.maximum(teachers[:, 0, :], 1), 0)  # every class has a teacher
        full_time = np.maximum(np.rint(pj / self.students_per_teacher).astype(np.int64), teachers.max(axis=1))
        full_time = np.where(has, np.maximum(full_time, 1), 0)
        point = self.school_type == POINT
        classes = np.ceil(pj / self.class_size[:, None]).astype(np.int64)
        classes[:, 0] = np.where(point, np.minimum(classes[:, 0], _POINT_MAX_CLASSES), classes[:, 0])
        largest = np.ceil(pj / np.maximum(classes, 1)).astype(np.int64)
        max_class = np.where(has, np.minimum(largest + self.class_extra, pj), 0)
        rooms = np.ceil(classes.sum(axis=1) / 12).astype(np.int64) + self.room_delta
        rooms = np.where(point, np.maximum(self.room_delta, 0), np.maximum(rooms, 0))
        shared = self.shared * drift.shared
        teaching_area = np.round(shared[:, 0])
        # Special rooms are teaching rooms (schema.AT_MOST): a school whose teaching area cannot hold one has none.
        rooms = np.where((np.round(self.room_area, 1) <= teaching_area[:, None]).all(axis=1), rooms, 0)
        room_area = np.where(rooms[:, None] > 0, np.round(self.room_area, 1), np.nan)
        columns: dict[str, npt.NDArray[np.generic]] = {
            **{f"students_{lv}": students[:, i] for i, lv in enumerate(ALL_LEVELS)},
            **{f"classes_{lv}": classes[:, i] for i, lv in enumerate(COMPULSORY_LEVELS)},
            # areas in whole ㎡, equipment as the statistics report it (万元 to two decimals)
            "teaching_aux_area_m2": teaching_area,
            "sports_area_m2": np.round(shared[:, 1]),
            "equipment_value_yuan": np.round(shared[:, 2], -2),
            "multimedia_rooms": np.maximum(np.rint(shared[:, 3]), 1).astype(np.int64),
            "music_rooms": rooms,
            "art_rooms": rooms,
            "music_room_min_area_m2": room_area[:, 0],
            "art_room_min_area_m2": room_area[:, 1],
            "computers": np.rint(self.computers * drift.stock).astype(np.int64),
            "books": np.rint(self.books * drift.stock).astype(np.int64),
        }
        for i, lv in enumerate(COMPULSORY_LEVELS):
            columns.update({f"{stem}_{lv}": teachers[:, j, i] for j, stem in enumerate(_TEACHERS)})
            columns[f"max_class_size_{lv}"] = max_class[:, i]
            columns[f"full_time_teachers_{lv}"] = full_time[:, i]
            columns[f"mid_title_teachers_{lv}"] = np.rint(full_time[:, i] * self.mid_title_share[:, i]).astype(np.int64)
        return {key: pl.Series(key, value, nan_to_null=True) for key, value in columns.items()}


@dataclass(frozen=True, slots=True)
class _Drift:
    students: Floats  # (n, 3)
    teachers: Floats  # (n, 3, 2)
    shared: Floats  # (n, 4)
    stock: Floats  # (n,): computers and books


def brought_up(table: pl.DataFrame, county: str, standard: Standard, *, narrowing: float = 0.3) -> pl.DataFrame:
    """`table` with `county`'s latest year as it might look once the county has done its work: each
    school's resources raised so that every 学段 reaches its thresholds (standard.md §2) and drawn
    towards the county's mean by `narrowing` (1: unchanged, 0: every school at the mean), which lowers
    the difference coefficients (§3). Other counties and years are unchanged; resources only grow.

    For demos that need a county which passes resource allocation; the verdict is still the engine's.
    """
    latest = int(table.filter(pl.col("county") == county)["year"].max())  # type: ignore[arg-type]
    chosen = (pl.col("county") == county) & (pl.col("year") == latest)
    parts = evaluate(table.filter(chosen), standard).schools
    factors: dict[str, pl.DataFrame] = {}
    for ind in standard.indicators:
        value = pl.col(value_column(ind.id))
        mean = (value * pl.col("students")).sum().over("level") / pl.col("students").sum().over("level")
        threshold = pl.col("level").replace_strict(
            {lv: float(t) for lv, t in ind.thresholds.items()}, default=None, return_dtype=pl.Float64
        )
        wanted = pl.max_horizontal(mean + narrowing * (value - mean), threshold * 1.02)
        by_part = parts.select(
            "school_id",
            "level",
            pl.when(value > 0).then(pl.max_horizontal(wanted / value, pl.lit(1.0))).otherwise(1.0).alias("factor"),
            # a part with none of the resource cannot be scaled up: it gets what the threshold needs
            # (generously, for a resource the school shares between 学段 by weighted students)
            (wanted * pl.col("students") / ind.per_students * (1.0 if ind.per_level_resource else 1.5)).alias("floor"),
        )
        if ind.per_level_resource:
            for level in standard.levels:
                factors[ind.resource_column(level)] = by_part.filter(pl.col("level") == level)
        else:
            factors[ind.resource] = by_part.group_by("school_id").agg(pl.col("factor").max(), pl.col("floor").sum())
    schema = polars_schema()
    raised = [
        pl.when(chosen)
        .then(_raised(pl.col(column), rows, integral=schema[column].is_integer()))
        .otherwise(pl.col(column))
        .cast(schema[column])
        .alias(column)
        for column, rows in factors.items()
        if column in table.columns
    ]
    return table.with_columns(raised).with_columns(_enough_full_time_teachers(chosen, table.columns))


def _enough_full_time_teachers(chosen: pl.Expr, columns: Sequence[str]) -> list[pl.Expr]:
    """Full-time teachers raised to at least each kind of teacher counted among them (schema.AT_MOST), where
    raising those has left fewer full-time teachers than, say, teachers above the required degree."""
    parts: dict[str, list[str]] = {}
    for relation in AT_MOST:
        if relation.whole.startswith("full_time_teachers_") and {relation.part, relation.whole} <= set(columns):
            parts.setdefault(relation.whole, []).append(relation.part)
    return [
        pl.when(chosen & pl.col(whole).is_not_null())
        .then(pl.max_horizontal(whole, *kinds))
        .otherwise(pl.col(whole))
        .alias(whole)
        for whole, kinds in parts.items()
    ]


def _raised(column: pl.Expr, rows: pl.DataFrame, *, integral: bool) -> pl.Expr:
    """The column times each school's factor, and at least its floor."""

    def lookup(name: str, default: float) -> pl.Expr:
        mapping = dict(zip(rows["school_id"].to_list(), rows[name].to_list(), strict=True))
        return pl.col("school_id").replace_strict(mapping, default=default, return_dtype=pl.Float64)

    grown = pl.max_horizontal(column.cast(pl.Float64) * lookup("factor", 1.0), lookup("floor", 0.0))
    return grown.ceil() if integral else grown.round(0)
