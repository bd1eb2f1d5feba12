"""The SCORM 1.2 package: the manifest's structure and the LMS API calls in the page."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from tokenward.training import build, session_files

CP = "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}"
ADLCP = "{http://www.adlnet.org/xsd/adlcp_rootv1p2}"
XSI = "{http://www.w3.org/2001/XMLSchema-instance}"


def _package(tmp_path: Path) -> zipfile.ZipFile:
    files = session_files(build([], root=tmp_path), scorm=True)
    path = tmp_path / "package.zip"
    path.write_bytes(files["scorm/tokenward-training-scorm12.zip"])
    return zipfile.ZipFile(path)


def test_manifest_follows_the_scorm_12_structure(tmp_path: Path) -> None:
    package = _package(tmp_path)
    names = package.namelist()
    assert names == ["imsmanifest.xml", "index.html"]  # manifest at the package root
    root = ET.fromstring(package.read("imsmanifest.xml"))
    assert root.tag == f"{CP}manifest"
    assert root.get("identifier") == "tokenward-training"
    locations = (root.get(f"{XSI}schemaLocation") or "").split()
    assert "http://www.adlnet.org/xsd/adlcp_rootv1p2" in locations
    metadata = root.find(f"{CP}metadata")
    assert metadata is not None
    assert metadata.findtext(f"{CP}schema") == "ADL SCORM"
    assert metadata.findtext(f"{CP}schemaversion") == "1.2"
    organizations = root.find(f"{CP}organizations")
    assert organizations is not None
    organization = organizations.find(f"{CP}organization")
    assert organization is not None
    assert organizations.get("default") == organization.get("identifier")
    assert organization.findtext(f"{CP}title") == "Token hygiene: lessons from our own code"
    item = organization.find(f"{CP}item")
    assert item is not None
    assert item.findtext(f"{ADLCP}masteryscore") == "80"
    resources = {r.get("identifier"): r for r in root.iter(f"{CP}resource")}
    resource = resources[item.get("identifierref")]
    assert resource.get("type") == "webcontent"
    assert resource.get(f"{ADLCP}scormtype") == "sco"
    assert resource.get("href") == "index.html"
    assert [f.get("href") for f in resource.iter(f"{CP}file")] == ["index.html"]
    for entry in resource.iter(f"{CP}file"):
        assert entry.get("href") in names


def test_the_page_calls_the_scorm_12_api(tmp_path: Path) -> None:
    page = _package(tmp_path).read("index.html").decode()
    assert "window.TOKENWARD_SCORM = true;" in page
    for call in ('lms("LMSInitialize", "")',
                 'lms("LMSSetValue", "cmi.core.score.raw", String(percent()))',
                 'lms("LMSSetValue", "cmi.core.lesson_status", status)',
                 'lms("LMSCommit", "")',
                 'lms("LMSFinish", "")'):
        assert call in page, call
    # The API is looked up in this window, then its parents, then the opener.
    assert re.search(r"if \(win\.API\) \{ return win\.API; \}", page)
    assert "win = win.parent;" in page
    assert "findAPI(window.opener)" in page
    # The plain site does not talk to an LMS.
    plain = session_files(build([], root=tmp_path))["site/index.html"].decode()
    assert "window.TOKENWARD_SCORM = false;" in plain
