# A small diffusion UNet: forward(x, t) takes a timestep the file never passes.
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

def timestep_embedding(t, dim):
    half = dim // 2
    freqs = torch.exp(-math.log(10000) * torch.arange(half, dtype=torch.float32) / half)
    args = t[:, None].float() * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)

class ResBlock(nn.Module):
    def __init__(self, cin, cout, tdim):
        super().__init__()
        self.norm1 = nn.GroupNorm(8, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(tdim, cout)
        self.norm2 = nn.GroupNorm(8, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.temb(temb)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return h + self.skip(x)

class UNet(nn.Module):
    def __init__(self, ch=32, tdim=128):
        super().__init__()
        self.tdim = tdim
        self.time_mlp = nn.Sequential(nn.Linear(tdim, tdim), nn.SiLU(), nn.Linear(tdim, tdim))
        self.inc = nn.Conv2d(3, ch, 3, padding=1)
        self.down = ResBlock(ch, ch * 2, tdim)
        self.pool = nn.AvgPool2d(2)
        self.mid = ResBlock(ch * 2, ch * 2, tdim)
        self.up = nn.Upsample(scale_factor=2)
        self.dec = ResBlock(ch * 4, ch, tdim)
        self.out = nn.Conv2d(ch, 3, 1)

    def forward(self, x, t):
        temb = self.time_mlp(timestep_embedding(t, self.tdim))
        h0 = self.inc(x)
        h1 = self.down(h0, temb)
        h2 = self.mid(self.pool(h1), temb)
        h = self.dec(torch.cat([self.up(h2), h1], dim=1), temb)
        return self.out(h)
