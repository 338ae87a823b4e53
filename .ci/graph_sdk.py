"""Microsoft's Graph SDK for Python (msgraph-sdk, pinned in graph-sdk-requirements.txt) against
the fake's Microsoft Graph root: a real client nobody here wrote.

It lists notebooks, creates a section, lists and reads pages, copies a section and polls the
operation (plus a page made over raw HTTP, which the SDK cannot send, and an error), and checks
that every answer deserializes into Microsoft's models with no property unknown (nothing in
`additional_data` but OData annotations) and none missing (every property the fake sent comes
back when the model is serialized again, so none was dropped for a wrong type, and the
properties Graph documents for each model are set).

Usage: graph_sdk.py GRAPH_BASE_URL TOKEN   (e.g. http://127.0.0.1:8080/v1.0 fake:teacher1@contoso.com)
Run by .ci/graph-sdk.sh, which makes the virtualenv and starts the fake.
"""

import asyncio
import json
import sys
import time

import httpx
from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)
from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_abstractions.serialization import Parsable
from kiota_http.kiota_client_factory import KiotaClientFactory
from kiota_http.middleware.options import HeadersInspectionHandlerOption, RetryHandlerOption
from kiota_serialization_json.json_serialization_writer import JsonSerializationWriter
from msgraph import GraphRequestAdapter, GraphServiceClient
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.models.onenote_section import OnenoteSection
from msgraph.generated.models.operation_status import OperationStatus
from msgraph.generated.users.item.onenote.sections.item.copy_to_notebook.copy_to_notebook_post_request_body import (
    CopyToNotebookPostRequestBody,
)
from msgraph.graph_request_adapter import options as GRAPH_OPTIONS
from msgraph_core import GraphClientFactory

FAILURES = []
CHECKED = []


def fail(what):
    FAILURES.append(what)
    print(f"FAIL {what}")


class StaticToken(AccessTokenProvider):
    def __init__(self, token):
        self.token = token

    async def get_authorization_token(self, uri, additional_authentication_context=None):
        return self.token

    def get_allowed_hosts_validator(self):
        return AllowedHostsValidator([])


class Recorder:
    """The raw JSON of every answer, in order (an httpx response hook)."""

    def __init__(self):
        self.bodies = []

    async def hook(self, response):
        await response.aread()
        content_type = response.headers.get("content-type", "")
        body = None
        if content_type.startswith("application/json") and response.content:
            body = json.loads(response.content)
        self.bodies.append((response.request.method, str(response.request.url), response.status_code, body))

    def last_json(self):
        return self.bodies[-1][3]


def reserialized(model):
    writer = JsonSerializationWriter()
    writer.write_object_value(None, model)
    return json.loads(writer.get_serialized_content())


def unknown_properties(model, at):
    """Every `additional_data` key that is not an OData annotation, recursively."""
    found = []
    extra = getattr(model, "additional_data", None) or {}
    for key in extra:
        if "@odata." not in key:
            found.append(f"{at}.{key}")
    for name, value in vars(model).items():
        if name == "additional_data":
            continue
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, Parsable):
                found.extend(unknown_properties(item, f"{at}.{name}"))
    return found


def dropped_properties(raw, again, at):
    """Keys of the raw JSON (not OData annotations) the parsed model lost or emptied."""
    found = []
    if isinstance(raw, dict):
        if not isinstance(again, dict):
            return [at]
        for key, value in raw.items():
            if "@odata." in key or value is None:
                continue
            if key not in again or (value not in (None, {}, []) and again[key] in (None, {}, [])):
                found.append(f"{at}.{key}")
            else:
                found.extend(dropped_properties(value, again[key], f"{at}.{key}"))
    elif isinstance(raw, list):
        if not isinstance(again, list) or len(raw) != len(again):
            return [at]
        for index, (a, b) in enumerate(zip(raw, again)):
            found.extend(dropped_properties(a, b, f"{at}[{index}]"))
    return found


def check_model(what, model, raw, required=()):
    """The model has no unknown property, lost none of the raw JSON, and has `required` set."""
    CHECKED.append(what)
    if model is None:
        fail(f"{what}: no model")
        return
    for key in unknown_properties(model, what):
        fail(f"{what}: unknown property {key} (in additional_data)")
    for key in dropped_properties(raw, reserialized(model), what):
        fail(f"{what}: property {key} was sent but did not deserialize")
    for name in required:
        if getattr(model, name, None) is None:
            fail(f"{what}: {name} is missing")
    print(f"ok   {what}")


NOTEBOOK = ("id", "display_name", "created_date_time", "last_modified_date_time", "created_by",
            "last_modified_by", "is_default", "is_shared", "user_role", "sections_url",
            "section_groups_url", "links", "self")
SECTION = ("id", "display_name", "created_date_time", "last_modified_date_time", "created_by",
           "last_modified_by", "is_default", "pages_url", "links", "self")
PAGE = ("id", "title", "created_date_time", "last_modified_date_time", "content_url", "links", "self")


def check_collection(what, response, raw, required):
    check_model(what, response, raw)
    if response is not None:
        for index, item in enumerate(response.value or []):
            check_model(f"{what}.value[{index}]", item, raw["value"][index], required)


async def main(base_url, token):
    recorder = Recorder()
    http = KiotaClientFactory.get_default_client()
    http.event_hooks["response"].append(recorder.hook)
    http = GraphClientFactory.create_with_default_middleware(client=http, options=GRAPH_OPTIONS)
    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(StaticToken(token)), client=http)
    adapter.base_url = base_url
    client = GraphServiceClient(request_adapter=adapter)
    onenote = client.me.onenote

    notebooks = await onenote.notebooks.get()
    check_collection("notebooks", notebooks, recorder.last_json(), NOTEBOOK)
    if not notebooks or not notebooks.value:
        fail("no notebooks listed")
        return
    notebook = notebooks.value[0]
    user = notebook.created_by.user if notebook.created_by else None
    if user is None or not user.display_name:
        fail("notebook.createdBy.user.displayName is not set")

    name = f"SDK section {time.time_ns()}"
    section = await onenote.notebooks.by_notebook_id(notebook.id).sections.post(OnenoteSection(display_name=name))
    check_model("created section", section, recorder.last_json(), SECTION)
    if section is None or section.display_name != name:
        fail(f"the created section is named {getattr(section, 'display_name', None)!r}")
        return

    # The SDK sends pages as JSON only (msgraph-sdk-python serialises OnenotePage): make one
    # over raw HTTP, as the documents describe, then read it with the SDK.
    html = "<!DOCTYPE html><html><head><title>SDK page</title></head><body><p>Hello</p></body></html>"
    async with httpx.AsyncClient() as raw_http:
        made = await raw_http.post(
            f"{base_url}/me/onenote/sections/{section.id}/pages",
            content=html,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "text/html"},
        )
    if made.status_code != 201:
        fail(f"creating a page over HTTP answered {made.status_code}: {made.text}")
        return

    pages = await onenote.sections.by_onenote_section_id(section.id).pages.get()
    check_collection("pages of the section", pages, recorder.last_json(), PAGE)
    if not pages or [p.title for p in pages.value] != ["SDK page"]:
        fail(f"the section's pages are {[p.title for p in (pages.value if pages else [])]}")
        return
    page = await onenote.pages.by_onenote_page_id(pages.value[0].id).get()
    check_model("page", page, recorder.last_json(), PAGE)
    content = await onenote.pages.by_onenote_page_id(pages.value[0].id).content.get()
    if not content or b"<p>Hello</p>" not in content:
        fail(f"the page content is {content!r}")
    all_pages = await onenote.pages.get()
    check_collection("all pages", all_pages, recorder.last_json(), PAGE)

    headers = HeadersInspectionHandlerOption(inspect_response_headers=True)
    accepted = await onenote.sections.by_onenote_section_id(section.id).copy_to_notebook.post(
        CopyToNotebookPostRequestBody(id=notebook.id, rename_as=f"{name} copy"),
        request_configuration=RequestConfiguration(options=[headers]),
    )
    if accepted is not None:
        fail(f"the copy answered a body: {accepted!r}")
    locations = headers.response_headers.get("operation-location") or set()
    if len(locations) != 1:
        fail(f"the copy's Operation-Location is {locations!r}")
        return
    location = next(iter(locations))
    prefix = f"{base_url}/me/onenote/operations/"
    if not location.startswith(prefix):
        fail(f"Operation-Location {location} is not under {prefix}")
        return
    operation_id = location[len(prefix):]
    status = None
    for poll in range(10):
        operation = await onenote.operations.by_onenote_operation_id(operation_id).get()
        check_model(f"operation poll {poll + 1}", operation, recorder.last_json(), ("id", "status", "created_date_time"))
        status = operation.status if operation else None
        if status in (OperationStatus.Completed, OperationStatus.Failed):
            break
    if status != OperationStatus.Completed:
        fail(f"the copy ended {status}")
    elif not operation.resource_id:
        fail("the completed copy names no resourceId")
    else:
        copied = await onenote.sections.by_onenote_section_id(operation.resource_id).get()
        check_model("copied section", copied, recorder.last_json(), SECTION)
        if copied is None or copied.display_name != f"{name} copy":
            fail(f"the copy is named {getattr(copied, 'display_name', None)!r}")

    try:
        await onenote.notebooks.by_notebook_id("1-does-not-exist").get(
            request_configuration=RequestConfiguration(options=[RetryHandlerOption(max_retries=0)])
        )
        fail("a missing notebook did not raise")
    except ODataError as error:
        CHECKED.append("error")
        inner = error.error.inner_error if error.error else None
        if error.response_status_code != 404 or error.error.code != "20102":
            fail(f"the error is {error.response_status_code} {error.error.code}")
        elif inner is None or not inner.request_id or inner.date is None:
            fail(f"the error's innerError is {inner!r}")
        else:
            print(f"ok   error 404 20102, request-id {inner.request_id}")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
    print(f"{len(CHECKED)} answers checked, {len(FAILURES)} failures")
    sys.exit(1 if FAILURES else 0)
