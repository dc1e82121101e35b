import type { Endpoints, Service } from '../../common/schema/index.js';

/** Addresses as kubectl lists them: the first three, then how many more; `<none>` when empty. */
export function endpointList(addresses: readonly string[]): string {
  if (addresses.length === 0) return '<none>';
  return addresses.length > 3 ? `${addresses.slice(0, 3).join(',')} + ${addresses.length - 3} more...` : addresses.join(',');
}

/** Every `ip:port` of an Endpoints object, or of one of its named ports. */
export function endpointAddresses(endpoints: Endpoints | undefined, port?: { name?: string | undefined; protocol: string }): string[] {
  return (endpoints?.subsets ?? []).flatMap((s) => {
    const ports = port ? s.ports.filter((p) => p.name === port.name && p.protocol === port.protocol) : s.ports;
    return s.addresses.flatMap((a) => (ports.length || port ? ports.map((p) => `${a.ip}:${p.port}`) : [a.ip]));
  });
}

/** `describe svc`, as kubectl has it: the cluster IP, then per port its target, node port and endpoints. */
export function serviceEndpointsSection(service: Service, endpoints: Endpoints | undefined): string[] {
  const line = (label: string, value: string) => `${label.padEnd(13)} ${value}`;
  return [
    line('IP:', service.spec.clusterIP ?? '<pending>'),
    ...service.spec.ports.flatMap((p) => [
      line('Port:', `${p.name ?? '<unset>'}  ${p.port}/${p.protocol}`),
      line('TargetPort:', `${p.targetPort ?? p.port}/${p.protocol}`),
      ...(p.nodePort !== undefined ? [line('NodePort:', `${p.name ?? '<unset>'}  ${p.nodePort}/${p.protocol}`)] : []),
      line('Endpoints:', endpointList(endpointAddresses(endpoints, p))),
    ]),
  ];
}
