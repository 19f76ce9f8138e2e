# A docker-py session against the emulator's Engine API (DOCKER_HOST set by the
# Go test). Each step asserts what docker-py's high-level API returns.
import sys
import docker

c = docker.from_env()
assert c.ping() is True
v = c.version()
assert v["ApiVersion"] == sys.argv[1], v["ApiVersion"]

img = c.images.pull("busybox", tag="latest")
assert "busybox:latest" in img.tags, img.tags
assert img.id.startswith("sha256:")

net = c.networks.create("pynet", driver="bridge", labels={"t": "py"})
vol = c.volumes.create("pyvol", labels={"t": "py"})
assert [n.name for n in c.networks.list(filters={"label": "t=py"})] == ["pynet"]
assert [x.name for x in c.volumes.list(filters={"label": "t=py"})] == ["pyvol"]

ctr = c.containers.run("busybox", ["sleep", "300"], name="py1", detach=True,
                       labels={"app": "py"}, network="pynet",
                       volumes={"pyvol": {"bind": "/data", "mode": "rw"}},
                       environment={"A": "1"})
ctr.reload()
assert ctr.status == "running", ctr.status
assert ctr.name == "py1"
assert ctr.labels == {"app": "py"}
assert ctr.image.id == img.id
assert [x.name for x in c.containers.list(filters={"label": "app=py"})] == ["py1"]
assert [x.id for x in c.containers.list(sparse=True, all=True)] == [ctr.id]

net.reload()
assert ctr.id in net.attrs["Containers"], net.attrs["Containers"]

ctr.stop(timeout=0)
res = ctr.wait()
ctr.reload()
assert ctr.status == "exited", ctr.status
assert res["StatusCode"] == ctr.attrs["State"]["ExitCode"], res

try:
    c.containers.run("busybox", name="py1", detach=True)
    raise SystemExit("name conflict not raised")
except docker.errors.APIError as e:
    assert e.status_code == 409, e

ctr.remove(v=False, link=False, force=False)
try:
    c.containers.get("py1")
    raise SystemExit("removed container still found")
except docker.errors.NotFound:
    pass
try:
    c.images.get("nope-image:1")
    raise SystemExit("missing image found")
except docker.errors.ImageNotFound:
    pass

net.remove()
vol.remove()
pr = c.containers.prune()
assert "SpaceReclaimed" in pr, pr
assert c.volumes.prune()["VolumesDeleted"] == [], "VolumesDeleted must be [] when empty"
du = c.df()  # API 1.53+ shape: only the *Usage fields
assert du["ImageUsage"]["TotalCount"] == 1 and "Images" not in du, du
assert c.info()["OSType"] == "linux"
evs = [e["Action"] for e in c.events(since=0, until=int(__import__("time").time()) + 1,
                                     filters={"type": "network", "network": "pynet"}, decode=True)]
assert evs[0] == "create" and "destroy" in evs, evs
print("ok")
