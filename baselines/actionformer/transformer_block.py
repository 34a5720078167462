"""ActionFormer's pre-LN transformer block (official ``TransformerBlock``)."""

from __future__ import annotations

from torch import Tensor, nn

from harness.registry import MODELS
from models.layers.drop_path import AffineDropPath
from models.layers.layer_norm import LayerNorm1d
from models.layers.local_attention import LocalMaskedMHA


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

    def forward(self, x: Tensor, mask: Tensor) -> tuple[Tensor, Tensor]:
        """Args:
            x: float [B, C, T]; mask: bool [B, 1, T].

        Returns:
            (float [B, C, T/stride], bool [B, 1, T/stride]).
        """
        out, out_mask = self.attn(self.ln1(x), mask)  # [B, C, T'], [B, 1, T']
        out_mask_float = out_mask.to(out.dtype)  # [B, 1, T']
        out = self.pool_skip(x) * out_mask_float + self.drop_path_attn(out)  # [B, C, T']
        out = out + self.drop_path_mlp(self.mlp(self.ln2(out)) * out_mask_float)  # FFN
        return out, out_mask
