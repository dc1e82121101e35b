"""Reads the cluster with the official Python client, as a user's script would: list, read and watch.

Prints one JSON object; any deserialization error (a field the client requires, a wrong shape) fails it.
Usage: python python-client.py KUBECONFIG POD
"""
import json
import sys

from kubernetes import client, config, watch

config.load_kube_config(config_file=sys.argv[1])
core, apps, autoscaling = client.CoreV1Api(), client.AppsV1Api(), client.AutoscalingV2Api()
pod_name = sys.argv[2]

pods = core.list_pod_for_all_namespaces()
pod = core.read_namespaced_pod(pod_name, "default")
nodes = core.list_node()
deployments = apps.list_deployment_for_all_namespaces()
hpas = autoscaling.list_horizontal_pod_autoscaler_for_all_namespaces()
watched = [
    f"{e['type']} {e['object'].metadata.name}"
    for e in watch.Watch().stream(core.list_namespaced_pod, "default", field_selector=f"metadata.name={pod_name}", timeout_seconds=2)
]
node_events = [e["type"] for e in watch.Watch().stream(core.list_node, timeout_seconds=1)]
deployment_events = [e["object"].metadata.name for e in watch.Watch().stream(apps.list_namespaced_deployment, "default", timeout_seconds=1)]
hpa_events = [e["object"].metadata.name for e in watch.Watch().stream(autoscaling.list_namespaced_horizontal_pod_autoscaler, "default", timeout_seconds=1)]

print(json.dumps({
    "pods": sorted(p.metadata.name for p in pods.items),
    "pod": {"phase": pod.status.phase, "imageID": pod.status.container_statuses[0].image_id, "podIPs": [i.ip for i in pod.status.pod_ips or []]},
    "nodes": sorted(n.metadata.name for n in nodes.items),
    "kubelet": nodes.items[0].status.node_info.kubelet_version,
    "deployments": sorted(d.metadata.name for d in deployments.items),
    "hpas": [[h.metadata.name, [m.type for m in h.status.current_metrics or []]] for h in hpas.items],
    "watched": watched,
    "nodeEvents": node_events,
    "deploymentEvents": sorted(deployment_events),
    "hpaEvents": hpa_events,
}))
