"""The two bundle flavours and what the lean one leaves out, each with the reason.

Used by ``modeldesk.spec`` (filters PyInstaller's Analysis) and by ``build.py --dry-run``
(prints the list). Library patterns match file *names*, not CUDA versions or folders, so the
same list fits cu12 and cu13 wheels, and matches nothing in a CPU-only torch wheel: a build
from a CPU wheel needs no change, only a different environment.

What stays is what the app loads: ``libtorch_cuda.so`` is a hard (``DT_NEEDED``) dependency
of ``libtorch.so`` even on a machine without a GPU, so cuBLAS(Lt), cuFFT, cuRAND, cuSPARSE(Lt),
NCCL, NVRTC, nvJitLink, CUPTI, cuFile, nvshmem_host, the cudart runtime and the cuDNN stub all
stay in both flavours. The lean flavour is for workstations without an NVIDIA GPU: its
runtime hook hides GPUs from torch, because the cuDNN kernels it drops would be needed there.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatch

FLAVOURS = ("gpu", "lean")


@dataclass(frozen=True)
class Exclusion:
    """One rule: Python modules (``excludes=``) or bundle files (glob on the path)."""

    kind: str  # "module" or "file"
    pattern: str
    reason: str


def _modules(reason: str, *names: str) -> list[Exclusion]:
    return [Exclusion("module", name, reason) for name in names]


def _files(reason: str, *patterns: str) -> list[Exclusion]:
    return [Exclusion("file", pattern, reason) for pattern in patterns]


# Modules no flavour needs: test and build tooling that hooks find through optional imports.
COMMON = [
    *_modules("development tools; never imported by the app", "pytest", "_pytest", "pip",
              "IPython", "jupyter_client", "ipykernel", "tkinter", "_tkinter",
              "importlinter", "grimp", "ruff"),
    # matplotlib stays: captum.attr (the explanations) imports it when it is imported.
    *_modules("pyqtgraph extras the app never opens (3D needs PyOpenGL, examples are demos)",
              "pyqtgraph.examples", "pyqtgraph.opengl", "pyqtgraph.jupyter"),
]

_TRITON = ("triton and its CUDA toolchain compile GPU kernels for torch.compile, which the "
           "app never calls (~900 MB); torch treats a missing triton as 'no compiler'")

LEAN = [
    *_modules(_TRITON, "triton"),
    *_files(_TRITON, "triton/*"),
    *_files("cuDNN sub-libraries: dlopened by the libcudnn.so stub only when a convolution or "
            "RNN runs on a GPU; the stub itself stays because libtorch_cuda.so needs it",
            "*/libcudnn_*.so*"),
    *_files("cuSOLVER (+Mg) and torch's CUDA linear-algebra module that loads it lazily: only "
            "torch.linalg on a GPU uses them", "*/libcusolver*.so*",
            "*/libtorch_cuda_linalg.so"),
    *_files("NVRTC run-time compilation of fused GPU kernels (jiterator); the libnvrtc.so the "
            "loader needs stays", "*/libcaffe2_nvrtc.so", "*/libnvrtc-builtins*.so*",
            "*/libnvrtc.alt.so*"),
    *_files("CUDA libraries nothing in torch links or loads: cuFFTW, NVBLAS, profiler "
            "(nvperf, PC sampling, checkpoint), cuFile RDMA, NVTX interop",
            "*/libcufftw.so*", "*/libnvblas.so*", "*/libnvperf_*.so*",
            "*/libpcsamplingutil.so*", "*/libcheckpoint.so*", "*/libcufile_rdma.so*",
            "*/libnvtx3interop.so*"),
    *_files("nvshmem bootstrap/transport plugins: multi-GPU, multi-node communication only",
            "*/nvshmem_bootstrap_*.so*", "*/nvshmem_transport_*.so*"),
    *_modules("Qt modules the app never imports (QML/Quick, Designer, Help, SQL, web, PDF, "
              "3D, multimedia; QtTest and QtOpenGL stay: pyqtgraph imports them)",
              "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets",
              "PySide6.QtQuickControls2", "PySide6.QtQuickTest",
              "PySide6.QtDesigner", "PySide6.QtHelp", "PySide6.QtUiTools", "PySide6.QtSql",
              "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets",
              "PySide6.QtWebEngineQuick", "PySide6.QtWebChannel", "PySide6.QtWebSockets",
              "PySide6.QtPdf", "PySide6.QtPdfWidgets", "PySide6.Qt3DCore",
              "PySide6.QtMultimedia", "PySide6.QtCharts", "PySide6.QtDataVisualization"),
    *_files("Qt libraries, plugins and data of those modules",
            "*/libQt6Qml*.so*", "*/libQt6Quick*.so*", "*/libQt6Labs*.so*",
            "*/libQt6Lottie*.so*", "*/libQt6Designer*.so*", "*/libQt6Help.so*",
            "*/libQt6Sql.so*", "*/libQt6WebEngine*", "*/libQt6Pdf*",
            "*/libQt63D*", "*/libQt6Multimedia*", "*/libQt6Charts*",
            "*/libQt6VirtualKeyboard*", "*/libQt6ShaderTools*",
            "*/Qt/qml/*", "*/plugins/qmltooling/*", "*/plugins/qmllint/*",
            "*/plugins/designer/*", "*/plugins/sqldrivers/*", "*/Qt/resources/qtwebengine*",
            "*/translations/qtwebengine*"),
    *_modules("packages only torch.compile/inductor and TensorBoard use; traced runs of the "
              "GUI, --batch (all architectures) and --self-test never import them",
              "networkx", "jinja2", "torch.utils.tensorboard"),
]


def exclusions(flavour: str) -> list[Exclusion]:
    if flavour not in FLAVOURS:
        raise ValueError(f"unknown flavour {flavour!r}; choose one of {', '.join(FLAVOURS)}")
    return COMMON + (LEAN if flavour == "lean" else [])


def excluded_modules(flavour: str) -> list[str]:
    return [rule.pattern for rule in exclusions(flavour) if rule.kind == "module"]


def excluded_file(flavour: str, dest: str) -> Exclusion | None:
    """The rule that drops the bundle file ``dest`` (a path inside the bundle), or None."""
    path = "/" + dest.replace("\\", "/")
    for rule in exclusions(flavour):
        if rule.kind == "file" and (fnmatch(path, "*/" + rule.pattern.lstrip("*/"))
                                    or fnmatch(path, rule.pattern)):
            return rule
    return None


def describe(flavour: str) -> str:
    """The exclusion list as text, grouped by reason (``build.py --dry-run`` prints it)."""
    lines = [f"{flavour} flavour excludes:"]
    reasons: dict[str, list[str]] = {}
    for rule in exclusions(flavour):
        reasons.setdefault(rule.reason, []).append(rule.pattern)
    for reason, patterns in reasons.items():
        lines.append(f"  - {', '.join(patterns)}")
        lines.append(f"      why: {reason}")
    return "\n".join(lines)
