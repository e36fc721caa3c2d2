"""timm's ViT-S/8 at a given image size: forward, or forward + attention rollout as vit-explain
computes it (hooks on attn_drop with unfused attention, mean head fusion, class-token row).

The peer of `gradcam bench --suites scaling`'s image-size rows (docs/performance.md). Dev-time
only, in the same throw-away venv as compare.py; one case per process, so its peak RSS is its own:
    for s in 224 480; do for m in forward rollout; do python Scripts/bench/timm_vit_scaling.py $s $m; done; done
"""
import sys, time, torch, timm, resource
torch.set_num_threads(2)
size=int(sys.argv[1]); mode=sys.argv[2]
m = timm.create_model("vit_small_patch8_224", img_size=size).eval()
x = torch.rand(1,3,size,size)
def best(fn, r=2):
    fn(); t=[]
    for _ in range(r):
        s=time.perf_counter(); fn(); t.append(time.perf_counter()-s)
    return min(t)
if mode == "forward":
    with torch.no_grad(): t = best(lambda: m(x))
else:
    # vit-explain: hooks on attn_drop with unfused attention, then rollout of the class row.
    atts=[]
    for b in m.blocks:
        b.attn.fused_attn=False
        b.attn.attn_drop.register_forward_hook(lambda mod,i,o: atts.append(o.detach()))
    def run():
        atts.clear()
        with torch.no_grad(): m(x)
        res = torch.eye(atts[0].shape[-1])
        for a in atts:
            f = a.mean(1)[0]; f = (f + torch.eye(f.shape[-1]))/2; f = f / f.sum(-1, keepdim=True)
            res = f @ res
        return res[0,1:]
    t = best(run)
print(f"timm vit_s8 {size} {mode}: {t*1e3:.0f} ms, peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024:.0f} MB")
