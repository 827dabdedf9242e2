"""How the API answers what goes wrong: each domain exception as one HTTP status and a Chinese body.

401 no or bad token; 400 a body that is not JSON; 403 a step the role does not allow; 404 an object
that does not exist or lies outside the user's organisations (the same answer for both); 409 a step
the record's state does not allow; 412 an edit whose `If-Match` names a version of the record saved
over since (the reply says what changed meanwhile, and its `ETag` is the current version); 422 values
that fail the checks, `{"detail": [{"field", "message"}]}`, whether the importer's checks (its own
messages) or the request's shape (a missing parameter, say).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from junheng.io.errors import DataIssue
from junheng.web.collection.forms import field_label
from junheng.web.collection.versions import StaleRecord, etag
from junheng.web.errors import InvalidData, WorkflowError
from junheng.web.years import YEAR_MESSAGE

NO_TOKEN = "需要有效的接口令牌：请在请求头中加上“Authorization: Bearer 令牌”；令牌可用“junheng token 用户名”生成"
NOT_JSON = '请求体不是有效的 JSON；应为一个对象，如 {"students_primary": 500}'
NOT_AN_OBJECT = '请求体应为一个 JSON 对象，如 {"students_primary": 500}'
NOT_A_CELL = "“{field}”的值应为数字、文字或布尔值（选填项可为 null，表示未填报），不能是列表或对象"
NOT_NULL = "“{field}”为必填项，不能为 null；没有的请填 0"
# A query or path parameter's problem, by pydantic's error type.
PARAMETER_MESSAGES: dict[str, str] = {
    "missing": "缺少参数“{field}”",
    "int_parsing": "参数“{field}”应为整数",
}
BAD_PARAMETER = "参数“{field}”的值无效"


def install(api: NinjaAPI) -> None:
    """Make `api` answer each exception as the module docstring says."""
    handlers: dict[type[Exception], Callable[..., HttpResponse]] = {
        AuthenticationError: _unauthenticated,
        HttpError: _bad_request,
        Http404: _not_found,
        PermissionDenied: _forbidden,
        WorkflowError: _conflict,
        StaleRecord: _stale,
        InvalidData: _invalid_data,
        ValidationError: _invalid_request,
    }
    for exception, handler in handlers.items():
        api.exception_handler(exception)(handler)


def problems(issues: Iterable[DataIssue]) -> dict[str, list[dict[str, str | None]]]:
    """The 422 body for the importer's issues: each one's field key and message, in its order."""
    return {"detail": [{"field": issue.column, "message": issue.message} for issue in issues]}


def _json(status: int, body: Mapping[str, Any]) -> HttpResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _json(401, {"detail": NO_TOKEN})
    response["WWW-Authenticate"] = "Bearer"
    return response


def _bad_request(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # django-ninja's own HttpError here is a body it cannot parse (400); anything else keeps its text.
    return _json(exc.status_code, {"detail": NOT_JSON if exc.status_code == 400 else str(exc)})


def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _json(404, {"detail": str(exc) or "没有找到该对象，或您无权查看"})


def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _json(403, {"detail": str(exc) or "您无权进行此操作"})


def _conflict(request: HttpRequest, exc: WorkflowError) -> HttpResponse:
    return _json(409, {"detail": str(exc)})


def _stale(request: HttpRequest, exc: StaleRecord) -> HttpResponse:
    record = exc.record
    meanwhile = "；".join(
        f"{m.field}（{field_label(m.field)}）由{m.by or '系统'}于 {timezone.localtime(m.at):%Y-%m-%d %H:%M:%S} 修改"
        for m in exc.meanwhile
    )
    detail = (
        f"{record.school.name} {record.year} 年度数据在您读取之后已被修改，当前 ETag 为 {etag(record)}，"
        f"与请求头 If-Match 不符，本次修改未保存。"
        f"{f'期间的修改：{meanwhile}。' if meanwhile else ''}"
        "请重新读取（GET）该记录，核对后带上新的 ETag 再修改"
    )
    response = _json(412, {"detail": detail})
    response["ETag"] = etag(record)
    return response


def _invalid_data(request: HttpRequest, exc: InvalidData) -> HttpResponse:
    return _json(422, problems(exc.issues))


def _invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail: list[dict[str, str | None]] = []
    nulls = _null_keys(request)
    for error in exc.errors:
        field, message = _shape_problem(error, nulls)
        # A value of the wrong type fails each member of a union; one message per field is enough.
        if not any(d["field"] == field for d in detail):
            detail.append({"field": field, "message": message})
    return _json(422, {"detail": detail})


def _null_keys(request: HttpRequest) -> frozenset[str]:
    """The keys a JSON object body gives as null (django-ninja's errors no longer carry the values)."""
    try:
        body = json.loads(request.body)
    except ValueError:
        return frozenset()
    return frozenset(key for key, value in body.items() if value is None) if isinstance(body, dict) else frozenset()


def _shape_problem(error: Mapping[str, Any], nulls: frozenset[str]) -> tuple[str | None, str]:
    """The field a django-ninja validation error is about, and what to say.

    `loc` is ("query", "year"), ("path", "id"), or ("body", PARAMETER, KEY, …) for a body key.
    """
    source, *place = error["loc"]
    if source == "body":
        if len(place) < 2:
            return None, NOT_AN_OBJECT
        message = NOT_NULL if place[1] in nulls else NOT_A_CELL
        return str(place[1]), message.format(field=place[1])
    field = str(place[0]) if place else None
    if field == "year" and error["type"] != "missing":
        return field, YEAR_MESSAGE
    return field, PARAMETER_MESSAGES.get(error["type"], BAD_PARAMETER).format(field=field)
