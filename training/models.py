"""Fully convolutional encoder-decoders that predict ab-bin logits at 1/4 resolution.

Both sizes share one shape: four stride-2 stages down to 1/16, a bottleneck with
dilated convolutions and an image-wide context vector (global average pool, so
one scene-level guess such as "beach" or "forest" can steer every pixel), then a
decoder with skip connections back up to 1/4 where a 1x1 head gives the logits.
"""

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F


@dataclass(frozen=True)
class ModelSpec:
    widths: tuple[int, int, int, int]  # channels at 1/2, 1/4, 1/8, 1/16
    depths: tuple[int, int, int, int]  # 3x3 convolutions per encoder stage
    bottleneck: int  # extra dilated convolutions at 1/16
    decoder: tuple[int, int]  # channels of the decoder at 1/8 and 1/4


SPECS = {
    "tiny": ModelSpec(
        widths=(24, 48, 96, 192), depths=(1, 1, 2, 2), bottleneck=2, decoder=(96, 64)
    ),
    "large": ModelSpec(
        widths=(32, 64, 160, 320), depths=(1, 2, 3, 3), bottleneck=4, decoder=(160, 96)
    ),
}


def conv_block(in_ch: int, out_ch: int, stride: int = 1, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_ch, out_ch, 3, stride, padding=dilation, dilation=dilation, bias=False),
        nn.BatchNorm2d(out_ch),
        nn.ReLU(inplace=True),
    )


def stage(in_ch: int, out_ch: int, depth: int) -> nn.Sequential:
    layers = [conv_block(in_ch, out_ch, stride=2)]
    layers += [conv_block(out_ch, out_ch) for _ in range(depth - 1)]
    return nn.Sequential(*layers)


class ColorNet(nn.Module):
    """L (0..100) [B, 1, H, W] -> bin logits [B, Q, H/4, W/4]; H and W multiples of 16."""

    def __init__(self, spec: ModelSpec, num_bins: int) -> None:
        super().__init__()
        w1, w2, w3, w4 = spec.widths
        d8, d4 = spec.decoder
        self.stage1 = stage(1, w1, spec.depths[0])
        self.stage2 = stage(w1, w2, spec.depths[1])
        self.stage3 = stage(w2, w3, spec.depths[2])
        self.stage4 = stage(w3, w4, spec.depths[3])
        self.bottleneck = nn.Sequential(
            *[conv_block(w4, w4, dilation=2 if i % 2 == 0 else 1) for i in range(spec.bottleneck)]
        )
        self.context = nn.Sequential(nn.Linear(w4, w4), nn.ReLU(inplace=True))
        self.fuse = nn.Sequential(
            nn.Conv2d(2 * w4, w4, 1, bias=False), nn.BatchNorm2d(w4), nn.ReLU(inplace=True)
        )
        self.up8 = conv_block(w4 + w3, d8)
        self.up4 = conv_block(d8 + w2, d4)
        self.refine4 = conv_block(d4, d4)
        self.head = nn.Conv2d(d4, num_bins, 1)

    def forward(self, lightness: torch.Tensor) -> torch.Tensor:
        x = (lightness - 50.0) / 50.0
        s2 = self.stage2(self.stage1(x))
        s3 = self.stage3(s2)
        s4 = self.bottleneck(self.stage4(s3))
        scene = self.context(s4.mean(dim=(2, 3)))[:, :, None, None].expand_as(s4)
        s4 = self.fuse(torch.cat([s4, scene], dim=1))
        x = F.interpolate(s4, scale_factor=2.0, mode="bilinear", align_corners=False)
        x = self.up8(torch.cat([x, s3], dim=1))
        x = F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)
        x = self.refine4(self.up4(torch.cat([x, s2], dim=1)))
        return self.head(x)


class AnnealedMeanColorizer(nn.Module):
    """The shipped graph: L -> ab at full size, decoding the bin distribution inside.

    Annealed mean (Zhang et al. 2016): softmax(logits / T), then the expected bin
    centre; T < 1 sharpens towards the mode for vivid colours without the
    speckle of taking the mode itself.
    """

    def __init__(self, nets: list[ColorNet], centres: torch.Tensor, temperature: float) -> None:
        super().__init__()
        # More than one net makes an ensemble: their log-probabilities are averaged
        # (a geometric mean of the distributions) before the annealed mean.
        self.nets = nn.ModuleList(nets)
        self.temperature = temperature
        self.register_buffer("centres", centres.t().reshape(2, -1, 1, 1).contiguous())

    def forward(self, lightness: torch.Tensor) -> torch.Tensor:
        if len(self.nets) == 1:
            logits = self.nets[0](lightness)
        else:
            logits = torch.stack([F.log_softmax(net(lightness), dim=1) for net in self.nets])
            logits = logits.mean(dim=0)
        probs = torch.softmax(logits / self.temperature, dim=1)
        ab = F.conv2d(probs, self.centres)
        return F.interpolate(ab, size=lightness.shape[-2:], mode="bilinear", align_corners=False)


def build_model(name: str, num_bins: int) -> ColorNet:
    return ColorNet(SPECS[name], num_bins)


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())
