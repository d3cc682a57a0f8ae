"""Static, folded form of a CNN image classifier graph, for parapet's int8 image engine
(`crates/parapet-int8/src/cnn.rs`), which reads plain Conv/Relu/Add/MaxPool/... graphs only.

Same maths up to float rounding (checked by `build_bundles.py` on random inputs):
1. Pad amounts computed from shapes at run time (open_nsfw's TF-style "SAME" padding) are
   evaluated once for the model's fixed input size.
2. A constant zero Pad -> Transpose(NHWC->NCHW) -> Conv becomes the Conv's own pads.
3. An edge Pad -> MaxPool becomes MaxPool pads (max ignores them; an edge copy never exceeds
   the real cells of a window when pad < kernel).
4. Per-channel Add/Sub/Mul constants after a Conv (unfolded batch-norm, also behind a
   Transpose to NHWC) are folded into the Conv's weights and bias.
5. Transposes to NHWC at the tail are moved past Add/Relu and a ReduceMean over the spatial
   axes becomes GlobalAveragePool + Flatten.
"""
import numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto


def simplify_cnn(model_bytes, input_shape):
    """Static, folded form of a CNN classifier graph (same maths up to float rounding)."""
    import onnxruntime as ort
    m = onnx.load_from_string(model_bytes)
    g = m.graph
    inits = {i.name: numpy_helper.to_array(i) for i in g.initializer}

    def const(name):
        return inits.get(name)

    # 1. Non-constant Pad amounts: evaluate them (they depend on shapes only).
    dyn = [n.input[1] for n in g.node if n.op_type == "Pad" and const(n.input[1]) is None]
    if dyn:
        probe = onnx.ModelProto(); probe.CopyFrom(m)
        for name in dyn:
            probe.graph.output.append(helper.make_tensor_value_info(name, TensorProto.INT64, None))
        s = ort.InferenceSession(probe.SerializeToString(), providers=["CPUExecutionProvider"])
        vals = s.run(dyn, {g.input[0].name: np.zeros(input_shape, np.float32)})
        for name, v in zip(dyn, vals):
            inits[name] = v.astype(np.int64)

    nodes = list(g.node)
    outputs = {o.name for o in g.output}

    def consumers(t):
        return [n for n in nodes if t in n.input]

    def producer(t):
        return next((n for n in nodes if t in n.output), None)

    def attr(n, name, default=None):
        for a in n.attribute:
            if a.name == name:
                return helper.get_attribute_value(a)
        return default

    def set_attr(n, name, value):
        for a in list(n.attribute):
            if a.name == name:
                n.attribute.remove(a)
        n.attribute.append(helper.make_attribute(name, value))

    def rename_input(old, new):
        for n in nodes:
            for i, x in enumerate(n.input):
                if x == old:
                    n.input[i] = new

    # 2. Constant zero Pad (NHWC) -> Transpose(0,3,1,2) -> Conv: fold into the Conv's pads.
    for p in [n for n in nodes if n.op_type == "Pad" and attr(n, "mode", b"constant") == b"constant"]:
        (t,) = consumers(p.output[0])
        assert t.op_type == "Transpose" and list(attr(t, "perm")) == [0, 3, 1, 2]
        (c,) = consumers(t.output[0])
        assert c.op_type == "Conv"
        pads = inits[p.input[1]].tolist()  # [b,h,w,c begin..., end...]
        assert len(p.input) < 3 or not p.input[2] or float(inits[p.input[2]]) == 0.0
        assert pads[0] == pads[3] == pads[4] == pads[7] == 0
        old = list(attr(c, "pads", [0, 0, 0, 0]))
        set_attr(c, "pads", [old[0] + pads[1], old[1] + pads[2], old[2] + pads[5], old[3] + pads[6]])
        t.input[0] = p.input[0]
        nodes.remove(p)

    # 3. Edge Pad (NCHW, spatial only) -> MaxPool: MaxPool's own pads (max ignores them, and an
    #    edge copy never exceeds the window's real cells when pad < kernel).
    for p in [n for n in nodes if n.op_type == "Pad" and attr(n, "mode") == b"edge"]:
        (mp,) = consumers(p.output[0])
        assert mp.op_type == "MaxPool"
        pads = inits[p.input[1]].tolist()  # NCHW begin..., end...
        k = list(attr(mp, "kernel_shape"))
        assert pads[0] == pads[1] == pads[4] == pads[5] == 0
        assert all(0 <= v < kk for v, kk in zip([pads[2], pads[3], pads[6], pads[7]], k + k))
        set_attr(mp, "pads", [pads[2], pads[3], pads[6], pads[7]])
        mp.input[0] = p.input[0]
        nodes.remove(p)

    # 4. Per-channel Add/Sub/Mul constants after a Conv (possibly behind an NHWC Transpose):
    #    folded into the Conv's weights and bias.
    for c in [n for n in nodes if n.op_type == "Conv"]:
        w = inits[c.input[1]].astype(np.float64)
        cout = w.shape[0]
        b = inits[c.input[2]].astype(np.float64) if len(c.input) > 2 and c.input[2] else np.zeros(cout)
        cur = c.output[0]
        trans = None
        while True:
            cs = consumers(cur)
            if len(cs) != 1 or cur in outputs:
                break
            n = cs[0]
            if n.op_type == "Transpose" and trans is None and list(attr(n, "perm")) == [0, 2, 3, 1]:
                trans = n
                cur = n.output[0]
                continue
            if n.op_type not in ("Add", "Sub", "Mul"):
                break
            other = [x for x in n.input if x != cur]
            if len(other) != 1 or const(other[0]) is None or n.input[0] != cur:
                break
            v = const(other[0]).astype(np.float64)
            want = (cout,) if trans is not None else (cout, 1, 1)
            flat = v.reshape(-1)
            if not (v.size == cout and (v.shape[-len(want):] == want or v.shape == (1,) + want)):
                if v.size != 1:
                    break
                flat = np.full(cout, float(flat[0]))
            if n.op_type == "Add":
                b = b + flat
            elif n.op_type == "Sub":
                b = b - flat
            else:
                b = b * flat
                w = w * flat[:, None, None, None]
            nodes.remove(n)
            rename_input(n.output[0], cur)
            if n.output[0] in outputs:
                raise AssertionError("graph output folded away")
        wn = c.name + ".w_folded"; bn = c.name + ".b_folded"
        inits[wn] = w.astype(np.float32); inits[bn] = b.astype(np.float32)
        c.input[:] = [c.input[0], wn, bn]

    # 5. Transposes to NHWC at the tail: Add(T(a), T(b)) -> T(Add(a, b)); Relu(T(x)) -> T(Relu(x));
    #    ReduceMean(T(x), axes [1,2], keepdims 0) -> Flatten(GlobalAveragePool(x)).
    changed = True
    while changed:
        changed = False
        for n in list(nodes):
            ps = [producer(i) for i in n.input]
            ts = [p for p in ps if p is not None and p.op_type == "Transpose" and list(attr(p, "perm")) == [0, 2, 3, 1]]
            if n.op_type == "Add" and len(ts) == 2 and all(len(consumers(t.output[0])) == 1 for t in ts):
                n.input[:] = [ts[0].input[0], ts[1].input[0]]
                nodes.remove(ts[1])
                ts[0].input[0] = n.output[0] + ".nchw"
                rename_input(n.output[0], ts[0].output[0])
                ts[0].input[0] = n.output[0] + ".nchw"
                n.output[0] = n.output[0] + ".nchw"
                nodes.remove(ts[0]); nodes.insert(nodes.index(n) + 1, ts[0])
                changed = True
            elif n.op_type == "Relu" and len(ts) == 1 and len(consumers(ts[0].output[0])) == 1:
                t = ts[0]
                n.input[0] = t.input[0]
                rename_input(n.output[0], t.output[0])
                t.input[0] = n.output[0] + ".nchw"
                n.output[0] = n.output[0] + ".nchw"
                nodes.remove(t); nodes.insert(nodes.index(n) + 1, t)
                changed = True
            elif (n.op_type == "ReduceMean" and len(ts) == 1 and list(attr(n, "axes", [])) == [1, 2]
                  and attr(n, "keepdims", 1) == 0 and len(consumers(ts[0].output[0])) == 1):
                gap = helper.make_node("GlobalAveragePool", [ts[0].input[0]], [n.output[0] + ".gap"])
                fl = helper.make_node("Flatten", [gap.output[0]], [n.output[0]], axis=1)
                i = nodes.index(n)
                nodes[i:i + 1] = [gap, fl]
                nodes.remove(ts[0])
                changed = True
            if changed:
                break

    # 6. Dead nodes and initializers.
    live = set(outputs)
    keep = []
    for n in reversed(nodes):
        if any(o in live for o in n.output):
            keep.append(n)
            live.update(x for x in n.input if x)
    keep.reverse()
    used = {x for n in keep for x in n.input}
    g2 = helper.make_graph(keep, g.name, list(g.input), list(g.output),
                           [numpy_helper.from_array(v, k) for k, v in inits.items() if k in used])
    m2 = helper.make_model(g2, opset_imports=list(m.opset_import), producer_name="parapet")
    m2.ir_version = m.ir_version
    onnx.checker.check_model(m2)
    return m2.SerializeToString()
