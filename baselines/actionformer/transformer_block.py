"""ActionFormer's pre-LN transformer block (official ``TransformerBlock``)."""

from __future__ import annotations

from torch import Tensor, nn

from harness.registry import MODELS
from models.layers.drop_path import AffineDropPath, add_drop_path
from models.layers.fast_conv import max_pool_time
from models.layers.fused_linear import conv1x1_gelu
from models.layers.layer_norm import LayerNorm1d
from models.layers.local_attention import LocalMaskedMHA
from models.layers.masked_conv import apply_mask, conv1x1


@MODELS.register_module()
class TransformerBlock(nn.Module):
    """out = pool_skip(x)·mask + DropPath(MHA(LN1(x))); out += DropPath(MLP(LN2(out))·mask).

    MLP = 1×1 conv C→4C, GELU, dropout, 1×1 conv 4C→C, dropout (keys ``mlp.0``, ``mlp.3``);
    pool_skip = MaxPool1d(stride+1, stride, (stride+1)//2) when downsampling. With
    ``path_pdrop`` > 0 both residual branches carry an ``AffineDropPath`` (scale 1e-4).

    Args:
        dim: channels C.
        stride: 1 (stem) or the downsampling factor (branch).
        n_head: attention heads.
        window_size: local window (> 1), else global attention.
        mlp_ratio: hidden width / C (official 4).
        attn_pdrop, proj_pdrop, path_pdrop: dropout of the attention map, of the
            projections/MLP, and drop-path probability.
        attn_block: query block size of the windowed attention (speed only).
    """

    def __init__(
        self,
        *,
        dim: int,
        stride: int = 1,
        n_head: int = 4,
        window_size: int = -1,
        mlp_ratio: int = 4,
        attn_pdrop: float = 0.0,
        proj_pdrop: float = 0.0,
        path_pdrop: float = 0.0,
        attn_block: int | None = None,
    ) -> None:
        super().__init__()
        self.ln1 = LayerNorm1d(dim)
        self.ln2 = LayerNorm1d(dim)
        self.attn = LocalMaskedMHA(
            dim, n_head=n_head, window_size=window_size, stride=stride,
            attn_pdrop=attn_pdrop, proj_pdrop=proj_pdrop, block=attn_block,
        )
        if stride > 1:
            self.pool_skip: nn.Module = nn.MaxPool1d(
                stride + 1, stride=stride, padding=(stride + 1) // 2
            )
        else:
            self.pool_skip = nn.Identity()
        hidden = mlp_ratio * dim
        self.mlp = nn.Sequential(
            nn.Conv1d(dim, hidden, 1), nn.GELU(), nn.Dropout(proj_pdrop),
            nn.Conv1d(hidden, dim, 1), nn.Dropout(proj_pdrop),
        )
        if path_pdrop > 0.0:
            self.drop_path_attn: nn.Module = AffineDropPath(dim, drop_prob=path_pdrop)
            self.drop_path_mlp: nn.Module = AffineDropPath(dim, drop_prob=path_pdrop)
        else:
            self.drop_path_attn = nn.Identity()
            self.drop_path_mlp = nn.Identity()

    def _mlp(self, x: Tensor) -> Tensor:
        """The ``mlp`` Sequential: 1×1 convs as matrix products (GELU fused at inference). [B, C, T]."""
        h = self.mlp[2](conv1x1_gelu(x, self.mlp[0]))  # [B, 4C, T]
        return self.mlp[4](conv1x1(h, self.mlp[3]))  # [B, C, T]

    def _skip(self, x: Tensor) -> Tensor:
        """``pool_skip`` (max pool or identity), keeping time-major inputs time-major."""
        pool = self.pool_skip
        if isinstance(pool, nn.MaxPool1d):
            return max_pool_time(x, int(pool.kernel_size), int(pool.stride), int(pool.padding))
        return x

    def forward(self, x: Tensor, mask: Tensor) -> tuple[Tensor, Tensor]:
        """Args:
            x: float [B, C, T]; mask: bool [B, 1, T].

        Returns:
            (float [B, C, T/stride], bool [B, 1, T/stride]).
        """
        out, out_mask = self.attn(self.ln1(x), mask)  # [B, C, T'], [B, 1, T']
        out = add_drop_path(apply_mask(self._skip(x), out_mask), self.drop_path_attn, out)
        mlp = apply_mask(self._mlp(self.ln2(out)), out_mask)  # [B, C, T']
        out = add_drop_path(out, self.drop_path_mlp, mlp)  # [B, C, T']
        return out, out_mask
