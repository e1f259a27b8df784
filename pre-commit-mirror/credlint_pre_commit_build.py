"""A PEP 517 build backend for the credlint pre-commit mirror.

pre-commit installs a `language: python` hook with `pip install .` on the
hook repository. This backend makes `.` an empty wheel whose only content is
metadata requiring `credlint==VERSION`: pip then installs the prebuilt
credlint wheel (the binary) and nothing else. Standard library only, so the
build needs no setuptools from an index (the hook installs offline from a
`--find-links` folder too).

The release workflow sets VERSION to the tag being released.
"""

import base64
import hashlib
import io
import os
import tarfile
import zipfile

NAME = "credlint_pre_commit"
VERSION = "0.1.0"
REQUIRES = ["credlint==" + VERSION]
SUMMARY = "pre-commit hook for credlint, installed from the credlint wheel"

_DIST_INFO = "%s-%s.dist-info" % (NAME, VERSION)
_WHEEL = "Wheel-Version: 1.0\nGenerator: credlint_pre_commit_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def _metadata():
    lines = [
        "Metadata-Version: 2.1",
        "Name: " + NAME.replace("_", "-"),
        "Version: " + VERSION,
        "Summary: " + SUMMARY,
    ]
    lines += ["Requires-Dist: " + r for r in REQUIRES]
    return "\n".join(lines) + "\n"


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "%s,sha256=%s,%d" % (path, digest.decode("ascii"), len(data))


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    dist_info = os.path.join(metadata_directory, _DIST_INFO)
    os.makedirs(dist_info, exist_ok=True)
    with open(os.path.join(dist_info, "METADATA"), "w") as f:
        f.write(_metadata())
    with open(os.path.join(dist_info, "WHEEL"), "w") as f:
        f.write(_WHEEL)
    return _DIST_INFO


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name = "%s-%s-py3-none-any.whl" % (NAME, VERSION)
    files = [
        (_DIST_INFO + "/METADATA", _metadata().encode("utf-8")),
        (_DIST_INFO + "/WHEEL", _WHEEL.encode("utf-8")),
    ]
    record = [_record_line(p, d) for p, d in files] + [_DIST_INFO + "/RECORD,,"]
    files.append((_DIST_INFO + "/RECORD", ("\n".join(record) + "\n").encode("utf-8")))
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in files:
            z.writestr(path, data)
    return name


def build_sdist(sdist_directory, config_settings=None):
    base = "%s-%s" % (NAME, VERSION)
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(sdist_directory, base + ".tar.gz")
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for name in ("pyproject.toml", "credlint_pre_commit_build.py", ".pre-commit-hooks.yaml"):
            tar.add(os.path.join(here, name), arcname=base + "/" + name)
        info = tarfile.TarInfo(base + "/PKG-INFO")
        data = _metadata().encode("utf-8")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return base + ".tar.gz"
