#!/usr/bin/env python3
"""The torch side of bench_bootstrap_nccl, for two ranks on one GPU (run under torchrun-free
mpirun: rank and size from Open MPI's environment).

  mpirun -np 2 python3 torch_groups.py LAYOUT.json [--share]
  mpirun -np W python3 torch_groups.py LAYOUT.json --gloo [--repeat N]

LAYOUT.json is `hetgrid-inspect --json` of the layout, so both paths build exactly the same
groups: every group of every kind of section 2, embd and pos_embd, in the inspect tool's order.
Like Megatron-LM's HyperCommGrid (one new_group per group of an enumeration, called by every
rank), each group is a `torch.distributed.new_group`; then one all-reduce on each group the rank
is in. Timed as bench_bootstrap_nccl times hetgrid: the world exists first (eager init with
device_id), then create_s, then first_collective_s; GPU memory is the device-wide
cudaMemGetInfo delta (both ranks together, measured on rank 0 after a barrier).
--share sets NCCL_COMM_SPLIT_SHARE_RESOURCES=1 (ncclConfig_t.splitShare for every group).
--gloo builds the same groups over gloo on the CPU (no GPU touched, any world; the torch column
of bench_bootstrap_mpi), --repeat N times in one process, each time new groups.
Prints one JSON line on rank 0 (with --gloo, one per repeat).
"""
import json
import os
import sys
import time


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    if "--share" in argv:
        os.environ["NCCL_COMM_SPLIT_SHARE_RESOURCES"] = "1"
    if "--gloo" in argv:
        repeat = 1
        if "--repeat" in argv:
            at = argv.index("--repeat") + 1
            if at >= len(argv) or not argv[at].isdigit() or int(argv[at]) < 1:
                print("torch_groups.py: usage: --repeat needs a whole number from 1, not '%s'"
                      % (argv[at] if at < len(argv) else ""), file=sys.stderr)
                return 2
            repeat = int(argv[at])
        return gloo(argv[0], repeat)
    import torch
    import torch.distributed as dist

    rank = int(os.environ["OMPI_COMM_WORLD_RANK"])
    size = int(os.environ["OMPI_COMM_WORLD_SIZE"])
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", "29517")
    device = torch.device("cuda", 0)
    torch.cuda.set_device(device)
    free0, total = torch.cuda.mem_get_info(device)
    t0 = time.monotonic()
    dist.init_process_group("nccl", rank=rank, world_size=size, device_id=device)
    x = torch.ones(1, device=device)
    dist.all_reduce(x)
    torch.cuda.synchronize()
    world_s = time.monotonic() - t0
    groups = every_group(argv[0])
    dist.barrier()
    free1, _ = torch.cuda.mem_get_info(device)
    t1 = time.monotonic()
    mine = []
    for members in groups:
        g = dist.new_group(members)
        if rank in members:
            mine.append(g)
    torch.cuda.synchronize()
    t2 = time.monotonic()
    for g in mine:
        dist.all_reduce(x, group=g)
    torch.cuda.synchronize()
    t3 = time.monotonic()
    dist.barrier()
    free2, _ = torch.cuda.mem_get_info(device)
    times = torch.tensor([t2 - t1, t3 - t2, world_s], device=device)
    dist.all_reduce(times, op=dist.ReduceOp.MAX)
    if rank == 0:
        print(json.dumps({"bench": "bootstrap_nccl", "path": "torch", "layout": argv[0],
                          "share": "--share" in argv, "world": size,
                          "torch": torch.__version__, "groups_total": len(groups),
                          "groups": len(mine), "world_init_s": round(times[2].item(), 6),
                          "world_mib_device": round((free0 - free1) / 2**20, 1),
                          "create_s": round(times[0].item(), 6),
                          "first_collective_s": round(times[1].item(), 6),
                          "total_s": round(times[0].item() + times[1].item(), 6),
                          "groups_mib_device": round((free1 - free2) / 2**20, 1)}), flush=True)
    dist.destroy_process_group()
    return 0


def every_group(path):
    """Every group of every kind of the layout, in one order on every rank."""
    with open(path) as f:
        layout = json.load(f)
    groups = []
    for module in layout["modules"]:
        for lists in module["groups"].values():
            if lists is not None:
                groups.extend(sorted(members) for members in lists)
    return groups


def gloo(path, repeat):
    import torch
    import torch.distributed as dist

    rank = int(os.environ["OMPI_COMM_WORLD_RANK"])
    size = int(os.environ["OMPI_COMM_WORLD_SIZE"])
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", "29517")
    t0 = time.monotonic()
    dist.init_process_group("gloo", rank=rank, world_size=size)
    x = torch.ones(1)
    dist.all_reduce(x)
    world_s = time.monotonic() - t0
    groups = every_group(path)
    for iteration in range(repeat):
        dist.barrier()
        t1 = time.monotonic()
        mine = []
        for members in groups:  # as HyperCommGrid: every rank calls new_group for every group
            g = dist.new_group(members)
            if rank in members:
                mine.append(g)
        t2 = time.monotonic()
        for g in mine:
            dist.all_reduce(x, group=g)
        t3 = time.monotonic()
        times = torch.tensor([t2 - t1, t3 - t2, world_s], dtype=torch.float64)
        dist.all_reduce(times, op=dist.ReduceOp.MAX)
        if rank == 0:
            print(json.dumps({"bench": "bootstrap_mpi", "path": "torch_hypercommgrid_gloo",
                              "layout": path, "world": size, "iteration": iteration,
                              "torch": torch.__version__, "groups_total": len(groups),
                              "groups": len(mine), "world_init_s": round(times[2].item(), 6),
                              "create_s": round(times[0].item(), 6),
                              "first_collective_s": round(times[1].item(), 6),
                              "total_s": round(times[0].item() + times[1].item(), 6)}),
                  flush=True)
        for g in mine:
            dist.destroy_process_group(g)
    dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
