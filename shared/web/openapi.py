"""Both services' API from typed models: spectree checks a view's query against its pydantic model and writes the
OpenAPI 3.1 document from the same models (docs/adr/0007-openapi-from-typed-models.md).

This module is the one place where spectree is bridged to the contract:
- a query is collected as Flask reads it (the first value of a plain parameter, every value of a list one) and a
  model's error becomes the contract's 400 naming the parameter, in the words the model gives (`Says`);
- answers are documented, never re-validated on the way out (spectree would answer a 500 and rebuild the response);
- request bodies are read by the services' own readers (media type, size, depth) and only documented here, with
  media types spectree does not know (`application/ninjs+json`, a raw page);
- what depends on the running service (API keys required or not) is filled in when the document is served.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar, get_origin

from flask import Blueprint, Request, current_app, request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError
from spectree import Response, SpecTree
from spectree.models import InType, SecureType, SecurityScheme, SecuritySchemeData
from spectree.plugins.base import Context
from spectree.plugins.flask_plugin import FlaskPlugin
from werkzeug.datastructures import MultiDict

from shared.web.errors import ApiError

REF = "#/components/schemas/{model}"
API_KEY = SecurityScheme(
    name="apiKey", data=SecuritySchemeData(type=SecureType.API_KEY, name="X-API-Key", field_in=InType.HEADER)
)
M = TypeVar("M", bound=BaseModel)
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"}}


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorBody(BaseModel):
    """The contract's error: `{"error": {"code", "message", "field"}}`."""

    error: ErrorDetail


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    ready: bool
    checks: dict[str, Literal["ok", "unreachable"]] = Field(description="each dependency (redis, elasticsearch)")


class QueryModel(BaseModel):
    """Query parameters: unknown names are a 400 naming them; a model error names its parameter."""

    model_config = ConfigDict(extra="forbid", populate_by_name=False)


class Says:
    """`Annotated` metadata: what a 400 on this parameter says, whatever check refused the value."""

    def __init__(self, message: str) -> None:
        self.message = message


def refuse(message: str, field: str | None = None) -> PydanticCustomError:
    """A model's own refusal, answered in these words (`field`: the parameter a check across several blames)."""
    return PydanticCustomError("invalid_parameter", message, {"field": field} if field else None)


def _is_list(model: type[BaseModel], name: str) -> bool:
    field = next((f for key, f in model.model_fields.items() if (f.alias or key) == name), None)
    return field is not None and get_origin(field.annotation) is list


def query_values(model: type[BaseModel], args: MultiDict[str, str]) -> dict[str, Any]:
    """The query as Flask reads it: every value of a list parameter, the first of any other."""
    return {name: args.getlist(name) if _is_list(model, name) else args.get(name) for name in args}


def _message(model: type[BaseModel], name: str, error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return f"unknown parameter {name!r}"
    if error["type"] == "invalid_parameter":  # raised by the model in its own words
        return str(error["msg"])
    field = next((f for key, f in model.model_fields.items() if (f.alias or key) == name), None)
    says = [m for m in (field.metadata if field else ()) if isinstance(m, Says)]
    return says[0].message if says else f"{name}: {error['msg']}"


def _precedence(error: Any) -> tuple[bool, str]:
    """Unknown names first, by name; then the model's fields in their order (the sort keeps it)."""
    unknown = error["type"] == "extra_forbidden"
    return not unknown, str(error["loc"][0]) if unknown else ""


def bad_query(model: type[BaseModel], exc: ValidationError) -> ApiError:
    """The 400 of a query the model refused: unknown names first, then the first parameter at fault."""
    errors = sorted(exc.errors(include_url=False), key=_precedence)
    first = errors[0]
    name = str(first["loc"][0]) if first["loc"] else str((first.get("ctx") or {}).get("field") or "") or None
    return ApiError(400, "invalid_parameter", _message(model, name or "", first), name)


def parse_query(model: type[M], args: MultiDict[str, str]) -> M:
    try:
        return model.model_validate(query_values(model, args))
    except ValidationError as exc:
        raise bad_query(model, exc) from exc


def checked_query(model: type[M]) -> M:
    """The query of this request, as its operation's model checked it."""
    query = request.context.query  # type: ignore[attr-defined]  # set by _ContractPlugin below
    assert isinstance(query, model), "the view's operation declares no such query"
    return query


class _ContractPlugin(FlaskPlugin):
    """spectree's Flask plugin, checking only the query, and passing answers on as the view made them."""

    def request_validation(self, request: Request, query: Any, json: Any, form: Any, headers: Any, cookies: Any) -> None:
        request.context = Context(parse_query(query, request.args) if query else None, None, None, None, None)  # type: ignore[attr-defined]

    def validate_response(self, resp: Any, resp_model: Any, skip_validation: bool, force_resp_serialize: bool) -> Any:
        return resp, None


def _name(model: Any) -> str:
    return str(model.__name__)


class Api(SpecTree):
    """One service's API: `operation()` declares a view's query, body and answers; `document()` serves them."""

    def __init__(self, title: str, api_errors: Mapping[int, str]) -> None:
        super().__init__(
            "flask",
            backend=_ContractPlugin,
            mode="strict",  # only declared operations: not the page, nor static files
            validation_error_status=400,
            validation_error_model=ErrorBody,
            naming_strategy=_name,
            nested_naming_strategy=lambda _parent, child: child,
            annotations=False,
            title=title,
            version="1.0.0",
            security_schemes=[API_KEY],
        )
        self.api_errors = api_errors
        self.bodies: dict[str, dict[str, Any]] = {}
        self.body_models: dict[str, type[BaseModel]] = {}
        self.query_models: set[str] = set()

    def operation(
        self,
        operation_id: str,
        tag: str,
        answers: Mapping[int, Any],
        *,
        query: type[BaseModel] | None = None,
        body: Mapping[str, Any] | None = None,
        public: bool = False,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """A view's operation. `answers`: status -> (model or None, description); `body`: media type -> model or schema.
        Unless `public`, the API's own errors (API key, rate limit) are added to its answers."""
        errors = {} if public else {code: (ErrorBody, text) for code, text in self.api_errors.items()}
        responses = {f"HTTP_{code}": answer for code, answer in {**errors, **answers}.items()}
        if query:
            self.query_models.add(query.__name__)
        if body:
            self.bodies[operation_id] = dict(body)
            for model in body.values():
                for part in getattr(model, "__args__", None) or (model,):  # a union of models: each of them
                    if isinstance(part, type) and issubclass(part, BaseModel):
                        self.body_models[part.__name__] = part
        return self.validate(query=query, resp=Response(**responses), tags=[tag], operation_id=operation_id)

    def _body_schema(self, model: Any) -> dict[str, Any]:
        if isinstance(model, dict):
            return model
        parts = getattr(model, "__args__", None)
        if parts:
            return {"anyOf": [{"$ref": REF.format(model=p.__name__)} for p in parts]}
        return {"$ref": REF.format(model=model.__name__)}

    def document(self, keys_required: bool) -> dict[str, Any]:
        """The OpenAPI document as this service serves it: the API key required or optional on /v1."""
        spec = copy.deepcopy(self.spec)
        schemas = spec["components"]["schemas"]
        for name in self.query_models:
            schemas.pop(name, None)  # described as the operations' parameters
        for model in self.body_models.values():
            schema = model.model_json_schema(ref_template=REF)
            schemas.update(schema.pop("$defs", {}))
            schemas[model.__name__] = schema
        for path, operations in spec["paths"].items():
            for operation in operations.values():
                self._finish(path, operation, keys_required)
        return spec

    def _finish(self, path: str, operation: dict[str, Any], keys_required: bool) -> None:
        body = self.bodies.get(operation["operationId"])
        if body:
            content = {media: {"schema": self._body_schema(model)} for media, model in body.items()}
            operation["requestBody"] = {"required": True, "content": content}
        for parameter in operation["parameters"]:
            if parameter["schema"].get("default", "") is None:
                del parameter["schema"]["default"]  # absent is the default; a query string holds no null
        if not any(p["in"] == "query" for p in operation["parameters"]) and not body:
            operation["responses"].pop("400", None)  # nothing a client sends can be wrong
        if not operation["description"]:
            del operation["description"]
        if path.startswith("/v1/"):
            operation["security"] = [{"apiKey": []}] if keys_required else [{}, {"apiKey": []}]
            for status in ("429", "503"):
                if status in operation["responses"]:
                    operation["responses"][status]["headers"] = RETRY_AFTER


class OpenApiDocument(BaseModel):
    """This OpenAPI document."""

    model_config = ConfigDict(extra="allow")

    openapi: str


def spec_blueprint(api: Api, finish: Callable[[dict[str, Any]], None] | None = None) -> Blueprint:
    """`GET /openapi.json`, open to every client; `finish` adds what this service's settings decide."""
    bp = Blueprint("spec", __name__)

    @bp.get("/openapi.json")
    @api.operation("get_openapi", "service", {200: (OpenApiDocument, "this document")}, public=True)
    def openapi_json() -> Any:
        """This OpenAPI document"""
        document = api.document(keys_required=bool(current_app.extensions.get("api_keys")))
        if finish:
            finish(document)
        return document

    return bp
