"""The data catalogue as linked data: DCAT-AP JSON-LD (/opendata/catalog.jsonld) and the
schema.org `Dataset` blocks on the data set pages, both from opendata.schema and the
current build's manifest, like the data package.

Pure functions: the addresses come in as a `Links`, filled by the views with url_for,
so that what is linked here is exactly what the site serves.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from opendata.package import (
    DESCRIPTION_EN,
    DESCRIPTION_ZH,
    KEYWORDS,
    TITLE_EN,
    TITLE_ZH,
    PackageMeta,
    bilingual,
)
from opendata.schema import RESOURCES, Resource

DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
# EU vocabularies that DCAT-AP asks for (frequency, file type) and IANA media types.
UPDATE_CONTINUOUS = "http://publications.europa.eu/resource/authority/frequency/UPDATE_CONT"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
LANGUAGES = ("http://publications.europa.eu/resource/authority/language/ZHO",
             "http://publications.europa.eu/resource/authority/language/ENG")
IANA = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class Links:
    """Every public address the catalogue names (absolute URLs)."""

    catalog_page: str
    descriptor: str
    zip: str
    dcat: str
    pages: dict[str, str]  # data set name → its page
    csvs: dict[str, str]  # data set name → its CSV file
    api_json: dict[str, str] = field(default_factory=dict)  # only the collections the API serves
    api_csv: dict[str, str] = field(default_factory=dict)
    openapi: str | None = None


def _text(zh: str, en: str) -> list[dict]:
    """A literal in both languages."""
    return [{"@value": zh, "@language": "zh"}, {"@value": en, "@language": "en"}]


def _id(url: str) -> dict:
    return {"@id": url}


def _datetime(text: str) -> dict:
    return {"@value": text, "@type": "xsd:dateTime"}


def _publisher(meta: PackageMeta) -> dict:
    agent = {"@id": meta.publisher_path, "@type": "foaf:Agent", "foaf:name": meta.publisher_name}
    if meta.contact_email:
        agent["foaf:mbox"] = _id(f"mailto:{meta.contact_email}")
    return agent


def _distribution(url: str, access: str, media: str, file_type: str, title: str, meta: PackageMeta,
                  *, download: bool, size: int | None = None, sha256: str | None = None) -> dict:
    """One dcat:Distribution (`download`: the URL is a file, not a paged API)."""
    out = {
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": title,
        "dcat:accessURL": _id(access),
        "dcat:mediaType": _id(IANA + media),
        "dct:format": _id(FILE_TYPE + file_type),
        "dct:license": _id(meta.license_path),
    }
    if download:
        out["dcat:downloadURL"] = _id(url)
    if size is not None:
        out["dcat:byteSize"] = {"@value": str(size), "@type": "xsd:nonNegativeInteger"}
    if sha256:
        out["spdx:checksum"] = {"@type": "spdx:Checksum",
                                "spdx:algorithm": _id("spdx:checksumAlgorithm_sha256"),
                                "spdx:checksumValue": sha256}
    return out


def dcat_dataset(resource: Resource, meta: PackageMeta, manifest: dict, links: Links) -> dict:
    """One dcat:Dataset: the data set with its CSV file, its API lists and the zip."""
    info = manifest["files"][resource.name]
    page = links.pages[resource.name]
    distributions = [
        _distribution(links.csvs[resource.name], links.csvs[resource.name], "text/csv", "CSV",
                      f"{resource.name}.csv", meta, download=True, size=info["bytes"], sha256=info["sha256"]),
    ]
    if resource.name in links.api_json:
        distributions.append(_distribution(links.api_json[resource.name], links.api_json[resource.name],
                                           "application/json", "JSON", "API (JSON)", meta, download=False))
    if resource.name in links.api_csv:
        distributions.append(_distribution(links.api_csv[resource.name], links.api_csv[resource.name],
                                           "text/csv", "CSV", "API (CSV)", meta, download=False))
    distributions.append(_distribution(links.zip, links.zip, "application/zip", "ZIP", "dataset.zip", meta,
                                       download=True, size=manifest["zip"]["bytes"], sha256=manifest["zip"]["sha256"]))
    dataset = {
        "@id": page,
        "@type": "dcat:Dataset",
        "dct:identifier": resource.name,
        "dct:title": _text(resource.title_zh, resource.title_en),
        "dct:description": _text(resource.zh, resource.en),
        "dcat:keyword": KEYWORDS,
        "dct:publisher": _id(meta.publisher_path),
        "dct:license": _id(meta.license_path),
        "dct:modified": _datetime(manifest["last_modified"]),
        "dct:accrualPeriodicity": _id(UPDATE_CONTINUOUS),
        "dct:language": [_id(x) for x in LANGUAGES],
        "dcat:landingPage": _id(page),
        "dct:conformsTo": _id(links.descriptor),
        "dcat:version": manifest["version"],
        "dcat:distribution": distributions,
    }
    if info.get("dates"):
        dataset["dct:temporal"] = {"@type": "dct:PeriodOfTime",
                                   "dcat:startDate": {"@value": info["dates"][0], "@type": "xsd:date"},
                                   "dcat:endDate": {"@value": info["dates"][1], "@type": "xsd:date"}}
    return dataset


def dcat_catalog(meta: PackageMeta, manifest: dict, links: Links,
                 resources: tuple[Resource, ...] = RESOURCES) -> dict:
    """The whole catalogue as DCAT-AP JSON-LD: the catalogue, each data set, the API service."""
    catalog = {
        "@context": DCAT_CONTEXT,
        "@id": links.dcat,
        "@type": "dcat:Catalog",
        "dct:title": _text(TITLE_ZH, TITLE_EN),
        "dct:description": _text(DESCRIPTION_ZH, DESCRIPTION_EN),
        "dct:publisher": _publisher(meta),
        "dct:license": _id(meta.license_path),
        "dct:modified": _datetime(manifest["last_modified"]),
        "dct:language": [_id(x) for x in LANGUAGES],
        "foaf:homepage": _id(links.catalog_page),
        "dcat:dataset": [dcat_dataset(r, meta, manifest, links) for r in resources],
    }
    if links.openapi:
        catalog["dcat:service"] = [{
            "@id": links.openapi.rsplit("/", 1)[0],
            "@type": "dcat:DataService",
            "dct:title": _text("口岸收费公示 API", "Open Port Fees API"),
            "dcat:endpointURL": _id(links.openapi.rsplit("/", 1)[0]),
            "dcat:endpointDescription": _id(links.openapi),
            "dct:license": _id(meta.license_path),
            "dcat:servesDataset": [_id(links.pages[name]) for name in links.api_json],
        }]
    if meta.contact_email:
        catalog["dcat:contactPoint"] = {"@type": "vcard:Kind", "vcard:fn": meta.publisher_name,
                                        "vcard:hasEmail": _id(f"mailto:{meta.contact_email}")}
    return catalog


def schema_org_dataset(resource: Resource, meta: PackageMeta, manifest: dict, links: Links, *,
                       lang: str) -> dict:
    """A schema.org `Dataset` for a data set page (what search engines' data set search reads)."""
    info = manifest["files"][resource.name]
    name, other = ((resource.title_en, resource.title_zh) if lang == "en" else (resource.title_zh, resource.title_en))
    organisation = {"@type": "Organization", "name": meta.publisher_name, "url": meta.publisher_path}
    if meta.contact_email:
        organisation["email"] = meta.contact_email
    downloads = [{"@type": "DataDownload", "name": f"{resource.name}.csv", "encodingFormat": "text/csv",
                  "contentUrl": links.csvs[resource.name], "contentSize": f"{info['bytes']} B",
                  "sha256": info["sha256"]},
                 {"@type": "DataDownload", "name": "dataset.zip", "encodingFormat": "application/zip",
                  "contentUrl": links.zip, "contentSize": f"{manifest['zip']['bytes']} B"}]
    if resource.name in links.api_json:
        downloads.append({"@type": "DataDownload", "name": "API (JSON)", "encodingFormat": "application/json",
                          "contentUrl": links.api_json[resource.name]})
    dataset = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": links.pages[resource.name],
        "name": name,
        "alternateName": other,
        "description": bilingual(resource.zh, resource.en),
        "url": links.pages[resource.name],
        "identifier": resource.name,
        "version": manifest["version"],
        "inLanguage": ["zh-CN", "en"],
        "keywords": KEYWORDS,
        "license": meta.license_path,
        "isAccessibleForFree": True,
        "creator": organisation,
        "publisher": organisation,
        "dateModified": manifest["last_modified"],
        "includedInDataCatalog": {"@type": "DataCatalog", "name": bilingual(TITLE_ZH, TITLE_EN),
                                  "url": links.catalog_page},
        "distribution": downloads,
        "variableMeasured": [
            {"@type": "PropertyValue", "name": f.name, "description": bilingual(f.zh, f.en)}
            for f in resource.fields
        ],
    }
    if info.get("dates"):
        dataset["temporalCoverage"] = f"{info['dates'][0]}/.."  # open-ended: fees stay in effect
    return dataset


def discovery_text(meta: PackageMeta, links: Links, *, version: str, last_updated: str,
                   extra: list[tuple[str, str]] = ()) -> str:
    """The discovery file (/port-fees.txt): plain `key: value` lines naming every
    machine-readable file, in the manner of the cms-hpt.txt file of US hospital price
    transparency, so that a crawler finds everything from the site root alone."""
    lines = [
        "# Open Port Fees: machine-readable open data / 口岸收费公示：机器可读的开放数据",
        "# One `key: value` per line; a key may repeat (csv-url). Lines starting with # are comments.",
        f"# Documentation: {links.catalog_page}",
        f"publisher-name: {meta.publisher_name}",
        f"source-page-url: {links.catalog_page}",
    ]
    if meta.contact_email:
        lines.append(f"contact-email: {meta.contact_email}")
    lines += [
        f"license-id: {meta.license}",
        f"license-url: {meta.license_path}",
        f"data-version: {version}",
        f"last-updated: {last_updated}",
        f"datapackage-url: {links.descriptor}",
        f"dataset-zip-url: {links.zip}",
        *(f"csv-url: {url}" for url in links.csvs.values()),
        f"dcat-catalog-url: {links.dcat}",
    ]
    if links.openapi:
        lines.append(f"openapi-url: {links.openapi}")
    lines += [f"api-url: {url}" for url in links.api_json.values()]
    lines += [f"{key}: {value}" for key, value in extra]
    return "\n".join(lines) + "\n"
