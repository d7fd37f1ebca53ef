"""Ship the top-level ``resources/`` folder inside the wheel as ``kiosk_app/_resources``.

The data lives at the repository's top (DESIGN.md: data, not code), but a plain
``pip install .`` only copies packages. This hook copies the folder next to the built
package; an editable install skips it and ``kiosk_app.resources`` finds the source tree.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithResources(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        src = Path(__file__).resolve().parent / "resources"
        dst = Path(self.build_lib) / "kiosk_app" / "_resources"
        if dst.exists():
            shutil.rmtree(dst)
        shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildPyWithResources})
