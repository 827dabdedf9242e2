"""The platform's API, contracts.md §4: the counties, schools' records and evaluations a user may see.

Every endpoint goes through the scope module or a collection service, so the API sees and may do
exactly what the web pages do; errors.py says how each refusal is answered.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.params import HeaderEx, P
from ninja.renderers import JSONRenderer

from junheng import __version__
from junheng.io.assessment_json import assessment_to_json
from junheng.io.errors import DataIssue
from junheng.io.evaluation_json import evaluation_to_json
from junheng.schema import FIELDS_BY_KEY
from junheng.web.api import errors
from junheng.web.api.assessment_schema import AssessmentOut
from junheng.web.api.auth import BearerToken
from junheng.web.api.schemas import County, Me, Message, Problems, SchoolRecordOut, SchoolRecordPatch
from junheng.web.assessment import services as assessment
from junheng.web.collection import services, versions
from junheng.web.collection.models import IDENTITY_KEYS, Change, SchoolRecord
from junheng.web.errors import InvalidData
from junheng.web.orgs import lookups, scope
from junheng.web.orgs.models import Organisation
from junheng.web.years import ApiYear

DESCRIPTION = """\
县域义务教育优质均衡发展督导评估平台的数据接口：查询可查看的县区、学校年度数据和评估结果，修改学校数据。

**认证**：请求头 `Authorization: Bearer 令牌`；令牌由 `junheng token 用户名` 生成，只显示一次。
没有令牌或令牌无效时返回 401。

**范围**：每个用户只能查看其所属组织及其下级；不在范围内的对象与不存在的对象一样返回 404。

**修改**：`PATCH /api/schools/{id}?year=年度` 的请求体为数据文件（contracts.md §1）的部分字段，
检查规则和提示与导入数据文件相同；整条记录须通过检查才会保存，每项修改都记入修改记录。
角色无权修改时返回 403；记录已审核锁定、已提交待审核或填报任务尚未发布时返回 409；
数据不合格时返回 422，`{"detail": [{"field": 字段, "message": 提示}]}`；请求体不是有效的 JSON 时返回 400。
选填字段可为 `null`（表示未填报，清除该项）；每条记录都必须有的字段不能为 `null`。

**参数**：缺少参数（如 `year`）或参数类型不对时，任何接口都返回 422，格式同上。

**并发修改**：`GET /api/schools/{id}` 的响应头 `ETag` 是该记录的版本号（如 `"7"`），记录每保存一次
（网页表单、接口、导入、提交与审核）加一。`PATCH` 时在请求头 `If-Match` 中带上读取时的 `ETag`：
记录在此之后已被他人修改时不保存任何内容，返回 412，说明期间修改了哪些字段、由谁在何时修改，
请重新读取后再修改；成功时响应头 `ETag` 为新的版本。不带 `If-Match` 时不检查版本（与早先的程序兼容），
但可能覆盖他人刚保存的修改，建议始终带上。
"""


class ReadableJSON(JSONRenderer):
    """JSON with Chinese left readable (not \\u-escaped), as `junheng evaluate` writes it."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="均衡 junheng 数据接口",
    version=__version__,
    description=DESCRIPTION,
    auth=BearerToken(),
    urls_namespace="api",
    renderer=ReadableJSON(),
)
errors.install(api)

IF_MATCH = '选填：读取记录时得到的 ETag（如 "7"）。记录在此之后已被修改时不保存，返回 412；不带时不检查版本'
ETAG_HEADER: dict[str, Any] = {
    "description": '记录的版本号，加引号（如 "7"）；修改时放在请求头 If-Match 中',
    "schema": {"type": "string"},
}

# What any endpoint that names an organisation may answer besides its result.
# Every status an endpoint answers is in its `response` (tests/web/test_api_schema.py checks them all).
# Any endpoint: 401 without a valid token. One that takes parameters: 422 when one is missing or not of
# its type. One that names an organisation: 404 when it is not within reach.
_REFUSED: dict[int, Any] = {401: Message, 404: Message, 422: Problems}


@api.get("/me", response={200: Me, 401: Message}, summary="当前用户及其角色")
def me(request: HttpRequest) -> dict[str, Any]:
    """The user the token belongs to, and the organisations they act for, in which role."""
    return {
        "username": request.user.get_username(),
        "memberships": [
            {
                "organisation_id": m.organisation.pk,
                "organisation_kind": m.organisation.kind,
                "organisation_name": m.organisation.name,
                "role": m.role,
                "role_label": m.get_role_display(),
            }
            for m in scope.memberships(request.user)
        ],
    }


@api.get("/counties", response={200: list[County], 401: Message}, summary="可查看的县区")
def counties(request: HttpRequest) -> list[dict[str, Any]]:
    """The counties the user may see, in the order of the organisation tree."""
    found = scope.visible(request.user, Organisation.objects.filter(kind=Organisation.Kind.COUNTY))
    rows = []
    for county in found.select_related("parent"):
        city = county.ancestor(Organisation.Kind.CITY)
        rows.append({"id": county.pk, "name": county.name, "code": county.code, "city": city and city.name})
    return rows


@api.get(
    "/counties/{id}/evaluation",
    response={200: dict[str, Any], **_REFUSED},
    summary="县区某年度的评估结果",
)
def county_evaluation(request: HttpRequest, id: int, year: ApiYear) -> dict[str, Any]:
    """The county object of `junheng evaluate --format json` (contracts.md §2), from the stored data.

    A county without any school record that year has no evaluation: 404, saying so.
    """
    county, evaluation = services.evaluate_county(user=request.user, county_id=id, year=year)
    found: list[dict[str, Any]] = evaluation_to_json(evaluation)["counties"]
    if not found:
        raise Http404(f"该县区没有 {year} 年度的学校数据；请先发布填报任务或导入数据")
    return found[0] | {"county": county.name}  # the engine knows the county by its id (tables.county_key)


@api.get(
    "/counties/{id}/verdict",
    response={200: AssessmentOut, **_REFUSED},
    by_alias=True,
    summary="县区某年度的督导评估结论（四个维度与一票否决项：达标、未达标、待判定）",
)
def county_verdict(request: HttpRequest, id: int, year: ApiYear) -> dict[str, Any]:
    """The assessment of standard.md §1 as the county's evaluation page shows it: its state, each dimension
    with its items (figures and thresholds as numbers, state, schools behind a failure, judgement and
    evidence), the veto checks, and the reasons in words (what fails first, then what is pending)."""
    found = assessment.county_assessment(user=request.user, county_id=id, year=year)
    return {"county_id": id} | assessment_to_json(found)


@api.get("/schools", response={200: list[SchoolRecordOut], **_REFUSED}, summary="县区各学校某年度的数据")
def schools(request: HttpRequest, county: int, year: ApiYear) -> list[dict[str, Any]]:
    """Every record of the county's schools that year, each with every field of contracts.md §1.

    The county must be within the user's reach: a school's clerk, who reaches only their school,
    reads its record by `GET /api/schools/{id}`.
    """
    found = lookups.visible_county(request.user, county)
    return [_record(record, found) for record in services.county_records(found, year)]


@api.get(
    "/schools/{id}",
    response={200: SchoolRecordOut, **_REFUSED},
    summary="一所学校某年度的数据",
    openapi_extra={"responses": {200: {"headers": {"ETag": ETAG_HEADER}}}},
)
def school(request: HttpRequest, id: int, year: ApiYear, response: HttpResponse) -> dict[str, Any]:
    """One school's record of a year, with its version as the `ETag` header; 404 when it has none."""
    found = lookups.visible_school(request.user, id)
    record = SchoolRecord.objects.filter(school=found, year=year).select_related("school").first()
    if record is None:
        raise Http404(f"{found.name}没有 {year} 年度的数据")
    response["ETag"] = versions.etag(record)
    return _record(record, lookups.county_above(record.school))


@api.patch(
    "/schools/{id}",
    response={200: SchoolRecordOut, 400: Message, 403: Message, 409: Message, 412: Message, **_REFUSED},
    summary="修改一所学校某年度的数据",
    openapi_extra={
        "responses": {
            200: {"headers": {"ETag": ETAG_HEADER}},
            412: {"headers": {"ETag": {**ETAG_HEADER, "description": "记录当前的版本"}}},
        }
    },
)
def change_school(
    request: HttpRequest,
    id: int,
    year: ApiYear,
    changes: SchoolRecordPatch,
    response: HttpResponse,
    reason: str = "",
    if_match: HeaderEx[str | None, P(alias="If-Match", description=IF_MATCH)] = None,
) -> dict[str, Any]:
    """Change the fields given, checked with the whole record as the importer checks a file.

    Audited as action "api" with `reason`. The organisation tree's fields (year, county,
    county_code, school_id, school_name) cannot be changed here: 422. With `If-Match`, refused
    (412) when the record has been saved since that version; the reply's `ETag` is the new version.
    """
    values = changes.model_dump(exclude_unset=True)
    fixed = sorted(IDENTITY_KEYS & values.keys())
    if fixed:
        raise InvalidData([_fixed_issue(key) for key in fixed])
    version = None
    if if_match is not None:
        found = lookups.visible_school(request.user, id)
        stored = SchoolRecord.objects.filter(school=found, year=year).values_list("version", flat=True).first()
        version = versions.expected_version(if_match, stored or 0)
    record = services.edit_school_year(
        user=request.user,
        school_id=id,
        year=year,
        values=values,
        reason=reason,
        action=Change.Action.API,
        version=version,
    )
    response["ETag"] = versions.etag(record)
    return _record(record, lookups.county_above(record.school))


def _record(record: SchoolRecord, county: Organisation) -> dict[str, Any]:
    return {"id": record.school_id, **services.identity(record, county), **record.values(), "status": record.status}


def _fixed_issue(key: str) -> DataIssue:
    label = FIELDS_BY_KEY[key].label
    message = f"“{key}”（{label}）由系统中的组织机构决定，不能通过接口修改；如需更正，请联系管理员"
    return DataIssue("接口", None, key, message)
