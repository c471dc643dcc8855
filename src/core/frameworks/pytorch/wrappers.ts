/**
 * Wrappers torch code puts around a model, written as Python and evaluated as part of
 * torch.nn: the wrapped model becomes the `module` child, as torch names it
 * (state_dict keys gain the `module.` prefix), and forward passes straight through.
 */
export const WRAPPERS_MODULE = 'torch.nn.parallel';

export const WRAPPERS_SOURCE = `
from torch import nn


class DataParallel(nn.Module):
    def __init__(self, module, device_ids=None, output_device=None, dim=0):
        super().__init__()
        self.module = module

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)


class DistributedDataParallel(nn.Module):
    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 process_group=None, bucket_cap_mb=25, find_unused_parameters=False, **kwargs):
        super().__init__()
        self.module = module

    def forward(self, *inputs, **kwargs):
        return self.module(*inputs, **kwargs)
`;
