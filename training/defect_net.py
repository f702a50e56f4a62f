"""DefectNet: a small U-Net that marks scratches, cracks, dust, tears and blotches on L*.

The photo enters as 2x2 pixel blocks (four channels at half resolution) and
leaves the same way, so a one-pixel line keeps its exact pixels while no layer
runs at full resolution. Three levels (1/2, 1/4, 1/8) with 16/32/48 channels and
a dilated bottom give about 130 px of context, so a scratch can be told from a
wire or an eyelash by where it goes. About 5,300 multiply-adds per pixel: a
1024x1024 working copy costs about 5.5 GMAC. Input: L* / 50 - 1 as [B, 1, H, W]
with H and W multiples of 16; output: one logit per pixel (defect or not).
"""

import torch
from torch import nn
from torch.nn import functional as F

WIDTHS = (16, 32, 48)
STRIDE = 16  # sides must be multiples of this


def _block(inputs: int, outputs: int, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(inputs, outputs, 3, padding=dilation, dilation=dilation, bias=False),
        nn.BatchNorm2d(outputs),
        nn.ReLU(inplace=True),
    )


class DefectNet(nn.Module):
    def __init__(self, widths: tuple[int, ...] = WIDTHS) -> None:
        super().__init__()
        w0, w1, w2 = widths
        self.enc0 = nn.Sequential(_block(4, w0), _block(w0, w0))
        self.enc1 = nn.Sequential(_block(w0, w1), _block(w1, w1))
        self.bottom = nn.Sequential(
            _block(w1, w2), _block(w2, w2, dilation=2), _block(w2, w2, dilation=4)
        )
        self.dec1 = _block(w2 + w1, w1)
        self.dec0 = _block(w1 + w0, w0)
        self.head = nn.Conv2d(w0, 4, 1)

    def forward(self, lightness: torch.Tensor) -> torch.Tensor:
        x0 = self.enc0(F.pixel_unshuffle(lightness, 2))
        x1 = self.enc1(F.max_pool2d(x0, 2))
        x2 = self.bottom(F.max_pool2d(x1, 2))
        y1 = self.dec1(torch.cat([F.interpolate(x2, scale_factor=2.0), x1], 1))
        y0 = self.dec0(torch.cat([F.interpolate(y1, scale_factor=2.0), x0], 1))
        return F.pixel_shuffle(self.head(y0), 2)


def normalize(lightness: torch.Tensor) -> torch.Tensor:
    """L* 0..100 -> the network's input range."""
    return lightness / 50.0 - 1.0
