"""The open-data pages: /opendata/ (the catalogue), data set pages, the bulk downloads
(/opendata/datapackage.json, /opendata/<name>.csv, /opendata/dataset.zip), DCAT-AP JSON-LD,
and the discovery file at the site root (/port-fees.txt).

Thin views: opendata.bulk makes and keeps the files, opendata.package and opendata.linked
describe them, all from opendata.schema. Machine-readable files carry ETag (their SHA-256)
and Last-Modified (when the data last changed), answer 304, allow any origin, and may be
cached for a minute.
"""
from __future__ import annotations

import hashlib
import json

from flask import Blueprint, abort, current_app, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from fees.db import db
from fees.views.errors import render_problem
from opendata import bulk, cli
from opendata.linked import Links, dcat_catalog, discovery_text, schema_org_dataset
from opendata.package import PackageMeta, csv_name, enum_values, package_descriptor, package_version, utc_iso
from opendata.schema import BY_NAME, RESOURCES
from fees.services.state import data_state

bp = Blueprint("opendata", __name__)
bp.cli.help = "The open data bulk files and their documentation."
for _command in cli.COMMANDS:  # `flask opendata build`, `flask opendata docs`
    bp.cli.add_command(_command)

MAX_AGE = 60  # seconds; clients revalidate cheaply with the ETag after that
DISCOVERY_PATH = "/port-fees.txt"
TYPE_LABELS = {
    "string": _l("text"),
    "integer": _l("whole number"),
    "number": _l("exact decimal"),
    "boolean": _l("true / false"),
    "date": _l("date (YYYY-MM-DD)"),
    "datetime": _l("date and time, UTC"),
}


class Unavailable(HTTPException):
    """No bulk files yet and the first build failed (logged): try again shortly."""

    code = 503


# -- shared by the views -------------------------------------------------------------------

def _site() -> str:
    """The site's address as this request reached it (no trailing slash)."""
    return request.url_root.rstrip("/")


def _meta() -> PackageMeta:
    return PackageMeta.from_config(current_app.config, current_app.config.get("OPENDATA_BASE_URL") or _site())


def _build() -> bulk.Build:
    """The bulk files of the current data, built now if they are stale."""
    try:
        return bulk.store_for(current_app, _site()).current(data_state(db.session).token)
    except bulk.BuildUnavailable:
        raise Unavailable() from None


def serves(path: str) -> bool:
    """Whether the site answers GET `path` (so catalogues never link to a missing page)."""
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:
        return False
    return True


def _links() -> Links:
    """Every address the catalogue names, as absolute URLs."""
    from opendata.api import bp as api_bp

    site = _site()
    api_json, api_csv = {}, {}
    for r in RESOURCES:
        if r.collection:
            path = f"{api_bp.url_prefix}/{r.collection}"
            if serves(path):
                api_json[r.name] = site + path
            if serves(path + ".csv"):
                api_csv[r.name] = site + path + ".csv"
    return Links(
        catalog_page=url_for("opendata.catalog", _external=True),
        descriptor=url_for("opendata.descriptor", _external=True),
        zip=url_for("opendata.dataset_zip", _external=True),
        dcat=url_for("opendata.dcat", _external=True),
        pages={r.name: url_for("opendata.dataset", name=r.name, _external=True) for r in RESOURCES},
        csvs={r.name: url_for("opendata.csv_file", name=r.name, _external=True) for r in RESOURCES},
        api_json=api_json,
        api_csv=api_csv,
        openapi=url_for("api.openapi_json", _external=True),
    )


def _cors(response):
    """Any site may read the open data files from a browser."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Content-Length"
    return response


def _public(response, *, etag: str, last_modified):
    """Validators, caching and CORS for a generated document; 304 when unchanged."""
    response.set_etag(etag)
    response.last_modified = last_modified
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return _cors(response.make_conditional(request))


def _document(obj: dict, mimetype: str, last_modified):
    """A JSON (or JSON-LD) document with its SHA-256 as ETag."""
    body = (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    response = current_app.response_class(body, mimetype=mimetype)
    return _public(response, etag=hashlib.sha256(body).hexdigest(), last_modified=last_modified)


def _file(build: bulk.Build, filename: str, mimetype: str):
    """A file of the build, streamed from disk, with its SHA-256 as ETag (304 and Range work)."""
    return _cors(send_file(build.file(filename), mimetype=mimetype, as_attachment=True, download_name=filename,
                           conditional=True, etag=build.sha256(filename), last_modified=build.last_modified,
                           max_age=MAX_AGE))


# -- pages ------------------------------------------------------------------------------------

@bp.get("/opendata/")
def catalog():
    """The data catalogue: every data set, its formats, the licence, how to cite."""
    build, meta, links = _build(), _meta(), _links()
    return render_template(
        "opendata/catalog.html", resources=RESOURCES, build=build, meta=meta, links=links,
        jsonld=dcat_catalog(meta, build.manifest, links), discovery=url_for("opendata.discovery"),
        api_page="/api/" if serves("/api/") else None, lang=str(get_locale()),
    )


@bp.get("/opendata/<name>/")
def dataset(name: str):
    """One data set: what it holds, its fields from the schema, its files."""
    resource = BY_NAME.get(name) or abort(404)
    build, meta, links = _build(), _meta(), _links()
    lang = str(get_locale())
    return render_template(
        "opendata/dataset.html", resource=resource, build=build, meta=meta, links=links, lang=lang,
        info=build.files[name], type_labels=TYPE_LABELS, enum_values=enum_values,
        jsonld=schema_org_dataset(resource, meta, build.manifest, links, lang=lang),
        referenced_by=[r for r in RESOURCES for fk in r.foreign_keys if fk.resource == name],
    )


# -- machine-readable files ------------------------------------------------------------------

@bp.get("/opendata/datapackage.json")
def descriptor():
    """The data package descriptor on its own, each CSV named by its absolute URL."""
    build = _build()
    links = _links()
    body = package_descriptor(_meta(), log_seq=build.manifest["log_seq"], created=build.created,
                              files=build.files, locate=lambda r: links.csvs[r.name])
    return _document(body, "application/json", build.last_modified)


@bp.get("/opendata/dataset.zip")
def dataset_zip():
    """Every data set as CSV with datapackage.json and a README, in one zip."""
    return _file(_build(), bulk.ZIP, "application/zip")


@bp.get("/opendata/<name>.csv")
def csv_file(name: str):
    """One data set's CSV file (UTF-8 without BOM; the API's CSV takes ?bom=true)."""
    resource = BY_NAME.get(name) or abort(404)
    return _file(_build(), csv_name(resource), "text/csv")


@bp.get("/opendata/catalog.jsonld")
def dcat():
    """The catalogue as DCAT-AP JSON-LD."""
    build = _build()
    return _document(dcat_catalog(_meta(), build.manifest, _links()), "application/ld+json", build.last_modified)


@bp.get(DISCOVERY_PATH)
def discovery():
    """The discovery file: where every machine-readable file is (see docs/OPEN_DATA.md)."""
    state = data_state(db.session)
    site = _site()
    extra = [("api-docs-url", site + "/api/")] if serves("/api/") else []
    text = discovery_text(_meta(), _links(), version=package_version(state.log_seq),
                          last_updated=utc_iso(state.last_modified), extra=[
                              *extra,
                              ("publication-log-url", url_for("api.log_entries", _external=True)),
                              ("publication-log-csv-url", url_for("api.log_csv", _external=True)),
                              ("log-versions-url", url_for("api.log_versions", _external=True)),
                              ("atom-feed-url", url_for("history.changes_feed", _external=True)),
                          ])
    response = current_app.response_class(text, mimetype="text/plain")
    return _public(response, etag=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                   last_modified=state.last_modified)


@bp.app_errorhandler(Unavailable)
def unavailable(exc: Unavailable):
    """503 with a reason and a hint when to come back."""
    response = render_problem(503, _("Service unavailable"),
                              _("The open data files are being prepared. Please try again in a minute."))
    response = current_app.make_response(response)
    response.headers["Retry-After"] = "60"
    return response
