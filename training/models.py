"""Colorizer v2: a pretrained EfficientNet-Lite encoder, a decoder with skips, and colour hints.

L -> the gray sRGB image the encoder was trained on (R = G = B) -> features at
strides 4, 8, 16 and 32 plus the 1280-wide head, whose global average is an
image-wide scene vector ("beach", "portrait studio") mixed into every position
at stride 32. The decoder climbs back to stride 4 through the skips, where a
1x1 head gives logits over the ab bins.

Hints (Zhang et al. 2017, "Real-Time User-Guided Image Colorization with Learned
Deep Priors"): a [B, 3, H, W] map of a*/110, b*/110 and a mask, zero where
nobody said anything. The encoder stays an ImageNet network on gray RGB, so the
hints enter the decoder instead: pooled to stride 4, encoded by a small
convolutional branch, and added at strides 16, 8 and 4, with the pooled map
itself beside the head so a pin's exact colour is at hand where logits are made.
"""

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from training.encoder import EfficientNetLite, load_pretrained_state

HINT_SCALE = 110.0  # a*, b* units per hint-map unit


@dataclass(frozen=True)
class ModelSpec:
    encoder: str  # efficientnet-lite variant whose ImageNet weights start the encoder
    decoder: tuple[int, int, int, int]  # channels at strides 32, 16, 8, 4
    hint: tuple[int, int, int]  # hint-branch channels at strides 4, 8, 16
    frozen_stages: int  # encoder stages kept at their ImageNet weights (stem included)


SPECS = {
    "tiny": ModelSpec(
        encoder="lite0", decoder=(160, 96, 64, 48), hint=(32, 48, 64), frozen_stages=2
    ),
    "large": ModelSpec(
        encoder="lite2", decoder=(256, 160, 96, 64), hint=(32, 64, 96), frozen_stages=2
    ),
}


def conv_bn_relu(in_ch: int, out_ch: int, kernel: int = 3, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_ch, out_ch, kernel, stride, padding=kernel // 2, bias=False),
        nn.BatchNorm2d(out_ch),
        nn.ReLU(inplace=True),
    )


def gray_srgb_of_lightness(lightness: torch.Tensor) -> torch.Tensor:
    """CIELAB L* (0..100) -> the encoded sRGB gray value 0..1 of that lightness (a = b = 0)."""
    t = (lightness + 16.0) / 116.0
    luminance = torch.where(t > 6.0 / 29.0, t**3, 3 * (6.0 / 29.0) ** 2 * (t - 4.0 / 29.0))
    luminance = luminance.clamp(0.0, 1.0)
    return torch.where(
        luminance <= 0.0031308,
        12.92 * luminance,
        1.055 * luminance.clamp_min(1e-8) ** (1 / 2.4) - 0.055,
    )


class HintBranch(nn.Module):
    """Pooled hint map at stride 4 -> features at strides 4, 8 and 16."""

    def __init__(self, widths: tuple[int, int, int]) -> None:
        super().__init__()
        h4, h8, h16 = widths
        self.at4 = nn.Sequential(conv_bn_relu(3, h4), conv_bn_relu(h4, h4))
        self.at8 = conv_bn_relu(h4, h8, stride=2)
        self.at16 = nn.Sequential(conv_bn_relu(h8, h16, stride=2), conv_bn_relu(h16, h16))

    def forward(self, pooled: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        f4 = self.at4(pooled)
        f8 = self.at8(f4)
        return f4, f8, self.at16(f8)


class GuidedColorNet(nn.Module):
    """(L [B,1,H,W] 0..100, hints [B,3,H,W]) -> logits [B,Q,H/4,W/4]; H, W multiples of 32."""

    def __init__(self, spec: ModelSpec, num_bins: int, pretrained: bool = True) -> None:
        super().__init__()
        state = load_pretrained_state(spec.encoder)
        self.encoder = EfficientNetLite(state)
        if pretrained:
            self.encoder.load_state_dict(state)
        self.frozen_stages = spec.frozen_stages
        c4, c8, c16, c32 = self.encoder.channels
        d32, d16, d8, d4 = spec.decoder
        self.reduce32 = conv_bn_relu(c32, d32, kernel=1)
        self.scene = nn.Sequential(
            nn.Linear(self.encoder.head_channels, d32), nn.ReLU(inplace=True)
        )
        self.hints = HintBranch(spec.hint)
        h4, h8, h16 = spec.hint
        self.up16 = conv_bn_relu(d32 + c16 + h16, d16)
        self.up8 = conv_bn_relu(d16 + c8 + h8, d8)
        self.up4 = conv_bn_relu(d8 + c4 + h4, d4)
        self.refine4 = conv_bn_relu(d4 + 3, d4)
        self.head = nn.Conv2d(d4, num_bins, 1)

    def frozen_parameters(self) -> list[nn.Parameter]:
        """The stem and the first stages: generic edge filters that gray input does not change."""
        params = list(self.encoder._conv_stem.parameters()) + list(self.encoder._bn0.parameters())
        for block, stage in zip(self.encoder._blocks, self.encoder.stage_of_block, strict=True):
            if stage < self.frozen_stages:
                params += list(block.parameters())
        return params

    def frozen_modules(self) -> list[nn.Module]:
        modules: list[nn.Module] = [self.encoder._conv_stem, self.encoder._bn0]
        for block, stage in zip(self.encoder._blocks, self.encoder.stage_of_block, strict=True):
            if stage < self.frozen_stages:
                modules.append(block)
        return modules

    def forward(self, lightness: torch.Tensor, hints: torch.Tensor) -> torch.Tensor:
        rgb = gray_srgb_of_lightness(lightness) * 2.0 - 1.0
        (s4, s8, s16, s32), head = self.encoder(rgb.expand(-1, 3, -1, -1))
        pooled = F.avg_pool2d(hints, 4)
        h4, h8, h16 = self.hints(pooled)
        x = self.reduce32(s32) + self.scene(head.mean(dim=(2, 3)))[:, :, None, None]
        x = F.interpolate(x, size=s16.shape[-2:], mode="bilinear", align_corners=False)
        x = self.up16(torch.cat([x, s16, h16], dim=1))
        x = F.interpolate(x, size=s8.shape[-2:], mode="bilinear", align_corners=False)
        x = self.up8(torch.cat([x, s8, h8], dim=1))
        x = F.interpolate(x, size=s4.shape[-2:], mode="bilinear", align_corners=False)
        x = self.up4(torch.cat([x, s4, h4], dim=1))
        x = self.refine4(torch.cat([x, pooled], dim=1))
        return self.head(x)


class ShippedColorizer(nn.Module):
    """The graph in the ONNX file: (L, hints) -> logits at stride 4.

    Decoding (temperature, confidence, alternatives) is the engine's, so one file
    serves every vividness a user asks for.
    """

    def __init__(self, net: GuidedColorNet) -> None:
        super().__init__()
        self.net = net

    def forward(self, lightness: torch.Tensor, hints: torch.Tensor) -> torch.Tensor:
        return self.net(lightness, hints)


def build_model(name: str, num_bins: int, pretrained: bool = True) -> GuidedColorNet:
    return GuidedColorNet(SPECS[name], num_bins, pretrained=pretrained)


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
