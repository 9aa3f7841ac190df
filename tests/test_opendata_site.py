"""The open-data pages: the catalogue and data set pages in both languages with every field
documented from the schema, their JSON-LD, the DCAT-AP catalogue, the discovery file, the
footer link on every page, and the generated data dictionary."""
from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from markupsafe import escape

from opendata.cli import DICTIONARY
from opendata.package import data_dictionary
from opendata.schema import RESOURCES
from tests import factories as f

LD_BLOCK = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def data(session, schedule):
    """Haicang's tariff with a second version, so every data set has rows."""
    f.publish(session, schedule, [f.thc("935.00"), f.storage()], effective=date(2023, 1, 1), now=f.utc(2022, 11, 1))
    return schedule


def json_ld(html: str) -> list[dict]:
    """Every JSON-LD data block of a page, parsed."""
    return [json.loads(block) for block in LD_BLOCK.findall(html)]


def local(url: str) -> str:
    """The path (and query) of an absolute URL on the test site."""
    parts = urlsplit(url)
    assert parts.netloc == "localhost", url
    return parts.path + (f"?{parts.query}" if parts.query else "")


# -- the catalogue and data set pages --------------------------------------------------------

@pytest.mark.parametrize("lang", ["zh", "en"])
def test_catalogue_lists_every_data_set_with_rows_formats_licence_and_neutralisation(client, data, lang):
    response = client.get(f"/opendata/?lang={lang}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for resource in RESOURCES:
        title = resource.title_en if lang == "en" else resource.title_zh
        assert f'href="http://localhost/opendata/{resource.name}/"' in html and str(escape(title)) in html
        assert str(escape(resource.update_en if lang == "en" else resource.update_zh)) in html
        assert f'href="http://localhost/opendata/{resource.name}.csv"' in html
        if resource.collection:
            assert f'href="http://localhost/api/v1/{resource.collection}"' in html
    assert 'href="http://localhost/opendata/dataset.zip"' in html
    assert 'href="http://localhost/opendata/datapackage.json"' in html
    assert 'href="https://creativecommons.org/licenses/by/4.0/"' in html
    assert 'href="/port-fees.txt"' in html and 'href="/api/"' in html
    assert "1.0.2" in html  # the package version: the log position
    rows = re.search(r'<tr id="fee_items">.*?<td class="num">(\d+)</td>', html, re.S).group(1)
    assert rows == "4"  # v1 and v2, two items each


def test_catalogue_embeds_its_dcat_description(client, data):
    (catalog,) = json_ld(client.get("/opendata/").get_data(as_text=True))
    assert catalog["@type"] == "dcat:Catalog"
    assert [d["dct:identifier"] for d in catalog["dcat:dataset"]] == [r.name for r in RESOURCES]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_field_is_documented_on_its_data_set_page(client, data, lang):
    for resource in RESOURCES:
        response = client.get(f"/opendata/{resource.name}/?lang={lang}")
        assert response.status_code == 200, resource.name
        html = response.get_data(as_text=True)
        assert str(escape(resource.en if lang == "en" else resource.zh)) in html
        for field in resource.fields:
            row = re.search(rf'<tr id="field-{field.name}">(.*?)</tr>', html, re.S)
            assert row, f"{resource.name}.{field.name} is not on its page"
            assert str(escape(field.en if lang == "en" else field.zh)) in row.group(1)
            for value in field.enum or ():
                assert not value or f"<code>{value}</code>" in row.group(1)


def test_data_set_page_carries_schema_org_dataset(client, data):
    html = client.get("/opendata/fee_items/?lang=en").get_data(as_text=True)
    (dataset,) = json_ld(html)
    assert dataset["@context"] == "https://schema.org" and dataset["@type"] == "Dataset"
    assert dataset["name"] == "Fee items" and dataset["alternateName"] == "收费项目"
    assert dataset["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert dataset["creator"]["@type"] == dataset["publisher"]["@type"] == "Organization"
    assert dataset["temporalCoverage"] == "2022-03-01/.."
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", dataset["dateModified"])
    assert [v["name"] for v in dataset["variableMeasured"]] == list(RESOURCES[5].field_names)
    downloads = {d["encodingFormat"]: d for d in dataset["distribution"]}
    csv = client.get(local(downloads["text/csv"]["contentUrl"]))
    assert csv.status_code == 200 and hashlib.sha256(csv.data).hexdigest() == downloads["text/csv"]["sha256"]
    assert client.get(local(downloads["application/zip"]["contentUrl"])).status_code == 200
    assert client.get(local(downloads["application/json"]["contentUrl"])).status_code == 200


def test_unknown_data_set_is_404(client, data):
    assert client.get("/opendata/no_such_set/").status_code == 404


def test_licence_and_publisher_are_configurable(app, client, data):
    app.config.update(OPENDATA_LICENSE="CC0-1.0", OPENDATA_PUBLISHER_NAME="厦门口岸示例办公室",
                      OPENDATA_CONTACT_EMAIL="opendata@example.org")
    html = client.get("/opendata/").get_data(as_text=True)
    assert "Creative Commons Zero v1.0 Universal" in html and "厦门口岸示例办公室" in html
    descriptor = client.get("/opendata/datapackage.json").get_json()
    assert descriptor["licenses"][0]["name"] == "CC0-1.0"
    assert descriptor["contributors"][0]["email"] == "opendata@example.org"
    assert "license-id: CC0-1.0" in client.get("/port-fees.txt").get_data(as_text=True)


# -- DCAT-AP and the discovery file ---------------------------------------------------------

def test_dcat_catalogue_describes_every_data_set_and_its_distributions(client, data):
    response = client.get("/opendata/catalog.jsonld")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    catalog = json.loads(response.data)
    assert catalog["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert catalog["@type"] == "dcat:Catalog" and catalog["dct:publisher"]["foaf:name"]
    assert {t["@language"] for t in catalog["dct:title"]} == {"zh", "en"}
    assert catalog["dct:license"] == {"@id": "https://creativecommons.org/licenses/by/4.0/"}
    assert catalog["dcat:service"][0]["dcat:endpointDescription"] == {"@id": "http://localhost/api/v1/openapi.json"}
    datasets = {d["dct:identifier"]: d for d in catalog["dcat:dataset"]}
    assert set(datasets) == {r.name for r in RESOURCES}
    for resource in RESOURCES:
        dataset = datasets[resource.name]
        assert dataset["@type"] == "dcat:Dataset" and dataset["dct:modified"]["@type"] == "xsd:dateTime"
        assert client.get(local(dataset["dcat:landingPage"]["@id"])).status_code == 200
        for distribution in dataset["dcat:distribution"]:
            assert distribution["@type"] == "dcat:Distribution" and distribution["dcat:mediaType"]["@id"]
            answer = client.get(local(distribution["dcat:accessURL"]["@id"]))
            assert answer.status_code == 200, distribution["@id"]
            if "spdx:checksum" in distribution:
                checked = client.get(local(distribution["dcat:downloadURL"]["@id"])).data
                assert hashlib.sha256(checked).hexdigest() == distribution["spdx:checksum"]["spdx:checksumValue"]
        media = {d["dcat:mediaType"]["@id"].rsplit("/", 1)[1] for d in dataset["dcat:distribution"]}
        assert {"csv", "zip"} <= media and ("json" in media) == bool(resource.collection)


def test_discovery_file_lists_machine_readable_files_that_all_answer(client, data):
    response = client.get("/port-fees.txt")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/plain; charset=utf-8"
    entries = [line.split(": ", 1) for line in response.get_data(as_text=True).splitlines()
               if line and not line.startswith("#")]
    keys = [k for k, _ in entries]
    for key in ("datapackage-url", "dataset-zip-url", "dcat-catalog-url", "openapi-url", "publication-log-url",
                "atom-feed-url", "license-url", "source-page-url", "data-version", "last-updated"):
        assert key in keys, key
    assert keys.count("csv-url") == len(RESOURCES)
    urls = [value for key, value in entries if key.endswith("-url") and not key.startswith("license")]
    for url in urls:
        assert client.get(local(url)).status_code == 200, url
    assert dict(entries)["data-version"] == "1.0.2"


# -- every page links to the open data -------------------------------------------------------

def test_footer_links_to_the_open_data_on_every_page(app, client, data):
    checked = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.rule.startswith(("/api/", "/static", "/assets")):
            continue
        response = client.get(rule.rule)
        if response.status_code == 200 and response.mimetype == "text/html":
            assert 'href="/opendata/"' in response.get_data(as_text=True), rule.rule
            checked += 1
    for path in ("/entities/haicang-demo", "/opendata/fee_items/", "/no/such/page"):
        assert 'href="/opendata/"' in client.get(path).get_data(as_text=True), path
    assert checked >= 8


def test_footer_link_reads_fee_open_data_in_english(client, data):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert '<a href="/opendata/">Fee open data</a>' in html


# -- the data dictionary ---------------------------------------------------------------------

def test_data_dictionary_is_generated_from_the_schema_and_up_to_date(runner):
    assert DICTIONARY.read_text(encoding="utf-8") == data_dictionary(), "run `flask opendata docs`"
    result = runner.invoke(args=["opendata", "docs", "--check"])
    assert result.exit_code == 0, result.output


def test_data_dictionary_documents_every_field_in_both_languages():
    text = data_dictionary()
    for resource in RESOURCES:
        section = text.split(f"\n## {resource.name}\n", 1)[1].split("\n## ", 1)[0]
        for field in resource.fields:
            assert field.zh.strip() and field.en.strip(), f"{resource.name}.{field.name} lacks a description"
            row = next(line for line in section.splitlines() if line.startswith(f"| `{field.name}` |"))
            assert field.zh.replace("|", "\\|") in row and field.en.replace("|", "\\|") in row


def test_docs_check_fails_when_the_file_is_stale(runner, tmp_path):
    stale = tmp_path / "DATA_DICTIONARY.md"
    stale.write_text("# old\n", encoding="utf-8")
    assert runner.invoke(args=["opendata", "docs", "--check", "--output", str(stale)]).exit_code == 1
    assert runner.invoke(args=["opendata", "docs", "--output", str(stale)]).exit_code == 0
    assert stale.read_text(encoding="utf-8") == data_dictionary()
