import test from 'ava';
import { renderServiceRules, type ServicePort, servicePorts } from '../../node-agent/services/iptables-rules.js';
import { hasJump, parseIptablesSave } from '../../node-agent/services/iptables-save.js';
import { makeEndpoints, makeService } from './fixtures.js';

const empty = parseIptablesSave('');
const web: ServicePort = {
  id: 'default/web',
  clusterIP: '10.96.0.20',
  port: 80,
  protocol: 'TCP',
  nodePort: 30081,
  endpoints: [
    { ip: '10.244.1.2', port: 8080 },
    { ip: '10.244.2.2', port: 8080 },
    { ip: '10.244.3.2', port: 8080 },
  ],
};
const lines = (text: string, prefix: string) => text.split('\n').filter((l) => l.startsWith(prefix));

test('service ports take the endpoints of their port name and protocol, oldest service first, refused ones left out', (t) => {
  const dns = makeService('dns', {
    clusterIP: '10.96.0.10',
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
    ],
  });
  dns.metadata.creationTimestamp = '2025-12-31T00:00:00Z';
  const web = makeService('web', { type: 'NodePort', clusterIP: '10.96.0.20', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP', nodePort: 30081 }] });
  const pending = makeService('pending');
  const refused = makeService('refused', { clusterIP: '10.96.0.20' });
  refused.status = { conditions: [{ type: 'AddressesAllocated', status: 'False', reason: 'ClusterIPAlreadyAllocated' }] };
  const endpoints = [
    makeEndpoints(
      'dns',
      ['10.244.1.5'],
      [
        { name: 'dns', port: 5353, protocol: 'UDP' },
        { name: 'dns-tcp', port: 5353, protocol: 'TCP' },
      ],
    ),
    makeEndpoints('web', ['10.244.2.2', '10.244.1.2'], [{ port: 8080, protocol: 'TCP' }]),
  ];
  t.deepEqual(servicePorts([web, pending, refused, dns], endpoints), [
    { id: 'default/dns:dns', clusterIP: '10.96.0.10', port: 53, protocol: 'UDP', endpoints: [{ ip: '10.244.1.5', port: 5353 }] },
    { id: 'default/dns:dns-tcp', clusterIP: '10.96.0.10', port: 53, protocol: 'TCP', endpoints: [{ ip: '10.244.1.5', port: 5353 }] },
    {
      id: 'default/web',
      clusterIP: '10.96.0.20',
      port: 80,
      protocol: 'TCP',
      nodePort: 30081,
      endpoints: [
        { ip: '10.244.2.2', port: 8080 },
        { ip: '10.244.1.2', port: 8080 },
      ],
    },
  ]);
});

test('a cluster IP is spread over its endpoints at random in equal shares, each DNATed to its pod', (t) => {
  const { text } = renderServiceRules([web], { saved: empty });
  const [dispatch] = lines(text, '-A MINIK8S-SERVICES -d 10.96.0.20/32');
  t.regex(dispatch!, /-p tcp .*--dport 80 -j MINIK8S-SVC-[0-9A-F]{16}$/);
  const svc = dispatch!.split(' -j ')[1]!;
  t.true(svc.length <= 28, 'iptables allows 28 characters');
  const shares = lines(text, `-A ${svc} `).filter((l) => l.includes('MINIK8S-SEP-'));
  t.deepEqual(
    shares.map((l) => /--probability (\S+)/.exec(l)?.[1] ?? 'rest'),
    ['0.3333333333', '0.5000000000', 'rest'],
  );
  const seps = shares.map((l) => l.split(' -j ')[1]!);
  t.deepEqual(
    seps.map(
      (sep) =>
        lines(text, `-A ${sep} `)
          .find((l) => l.includes('DNAT'))
          ?.split('--to-destination ')[1],
    ),
    ['10.244.1.2:8080', '10.244.2.2:8080', '10.244.3.2:8080'],
  );
  t.deepEqual(
    lines(text, `-A ${svc} `).filter((l) => l.includes('MARK-MASQ')),
    [],
    'the client keeps its address',
  );
  t.true(lines(text, `-A ${seps[0]} `)[0]!.includes('-s 10.244.1.2/32 -j MINIK8S-MARK-MASQ'), 'a pod reaching itself is masqueraded');
});

test('a node port is marked for masquerade and sent to the service chain, after every cluster IP', (t) => {
  const { text } = renderServiceRules([web], { saved: empty });
  const nodePorts = lines(text, '-A MINIK8S-NODEPORTS ');
  t.is(nodePorts.length, 2);
  t.regex(nodePorts[0]!, /--dport 30081 -j MINIK8S-MARK-MASQ$/);
  t.regex(nodePorts[1]!, /--dport 30081 -j MINIK8S-SVC-/);
  t.is(lines(text, '-A MINIK8S-SERVICES ').at(-1), '-A MINIK8S-SERVICES -m addrtype --dst-type LOCAL -j MINIK8S-NODEPORTS');
  t.true(text.includes('-A MINIK8S-POSTROUTING -m mark --mark 0x4000/0x4000 -j MASQUERADE'));
  // Forwarded to an address outside the pod network (the gateway's): let through despite Docker's FORWARD DROP.
  t.deepEqual(lines(text, '-A MINIK8S-FORWARD '), [
    '-A MINIK8S-FORWARD -m mark --mark 0x4000/0x4000 -j ACCEPT',
    '-A MINIK8S-FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  ]);
});

test('a port without endpoints gets no NAT but a REJECT in the filter table, TCP reset or ICMP port unreachable', (t) => {
  const udp: ServicePort = { id: 'default/dns', clusterIP: '10.96.0.10', port: 53, protocol: 'UDP', endpoints: [] };
  const { text } = renderServiceRules([{ ...web, endpoints: [] }, udp], { saved: empty });
  t.deepEqual(lines(text, '-A MINIK8S-SVC-'), []);
  t.deepEqual(lines(text, '-A MINIK8S-SERVICES -m addrtype'), ['-A MINIK8S-SERVICES -m addrtype --dst-type LOCAL -j MINIK8S-NODEPORTS']);
  const filter = text.slice(text.indexOf('*filter'));
  t.regex(filter, /-A MINIK8S-SERVICES -d 10\.96\.0\.20\/32 -p tcp .*--dport 80 -j REJECT --reject-with tcp-reset/);
  t.regex(filter, /-A MINIK8S-SERVICES -d 10\.96\.0\.10\/32 -p udp .*--dport 53 -j REJECT --reject-with icmp-port-unreachable/);
  t.regex(filter, /-A MINIK8S-EXTERNAL-SERVICES -m addrtype --dst-type LOCAL -p tcp .*--dport 30081 -j REJECT/);
});

test('jumps from the built-in chains are added only where missing', (t) => {
  const first = renderServiceRules([], { saved: empty }).text;
  t.deepEqual(
    lines(first, '-I ').map((l) => `${l.split(' ').slice(1, 3).join(' ')} ${l.split(' -j ')[1]}`),
    [
      'PREROUTING 1 MINIK8S-SERVICES',
      'OUTPUT 1 MINIK8S-SERVICES',
      'POSTROUTING 1 MINIK8S-POSTROUTING',
      'FORWARD 1 MINIK8S-SERVICES',
      'OUTPUT 1 MINIK8S-SERVICES',
      'INPUT 1 MINIK8S-EXTERNAL-SERVICES',
      'FORWARD 1 MINIK8S-FORWARD',
    ],
  );
  // What iptables-save prints once they are in place (Docker's own rules around them).
  const saved = parseIptablesSave(
    [
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      '-A PREROUTING -m comment --comment "minik8s service portals" -j MINIK8S-SERVICES',
      '-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER',
      '-A OUTPUT -m comment --comment "minik8s service portals" -j MINIK8S-SERVICES',
      '-A POSTROUTING -m comment --comment "minik8s postrouting rules" -j MINIK8S-POSTROUTING',
      'COMMIT',
      '*filter',
      '-A INPUT -m conntrack --ctstate NEW -m comment --comment "minik8s node ports" -j MINIK8S-EXTERNAL-SERVICES',
      '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "minik8s service portals" -j MINIK8S-SERVICES',
      'COMMIT',
    ].join('\n'),
  );
  t.true(hasJump(saved, 'nat', 'PREROUTING', 'MINIK8S-SERVICES'));
  t.false(hasJump(saved, 'nat', 'PREROUTING', 'MINIK8S-POSTROUTING'));
  t.deepEqual(lines(renderServiceRules([], { saved }).text, '-I '), [
    '-I OUTPUT 1 -m conntrack --ctstate NEW -m comment --comment "minik8s service portals" -j MINIK8S-SERVICES',
    '-I FORWARD 1 -m comment --comment "minik8s forwarding rules" -j MINIK8S-FORWARD',
  ]);
});

test('chains of services gone are flushed and deleted; unchanged ones in place are not rewritten', (t) => {
  const before = renderServiceRules([web], { saved: empty });
  const saved = parseIptablesSave(['*nat', ...[...before.chains.keys(), 'MINIK8S-SERVICES', 'DOCKER'].map((c) => `:${c} - [0:0]`), 'COMMIT'].join('\n'));
  const same = renderServiceRules([web], { saved, written: before.chains });
  t.deepEqual(
    lines(same.text, ':MINIK8S-S'),
    [':MINIK8S-SERVICES - [0:0]', ':MINIK8S-SERVICES - [0:0]'],
    'only the dispatch chains are rewritten (nat, filter)',
  );
  t.is(lines(same.text, '-A MINIK8S-SERVICES -d').length, 1);

  const fewer = renderServiceRules([{ ...web, endpoints: web.endpoints.slice(0, 2) }], { saved, written: before.chains });
  const gone = [...before.chains.keys()].filter((c) => !fewer.chains.has(c));
  t.is(gone.length, 1);
  t.deepEqual(lines(fewer.text, '-X '), [`-X ${gone[0]}`]);
  t.true(fewer.text.includes(`:${gone[0]} - [0:0]`), 'declared (flushed) before it is deleted');
  t.is(lines(fewer.text, ':MINIK8S-SEP-').length, 1, 'the surviving endpoints keep their chains as they are');
  t.false(fewer.text.includes(':DOCKER'), "other owners' chains are left alone");
});

test("a jump that Docker's rules got above is moved back to the top, in the same restore", (t) => {
  const saved = parseIptablesSave(
    [
      '*filter',
      '-A FORWARD -j DOCKER-USER',
      '-A FORWARD -i mk8s-pods ! -o mk8s-pods -j ACCEPT',
      '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "minik8s service portals" -j MINIK8S-SERVICES',
      '-A FORWARD -m comment --comment "minik8s forwarding rules" -j MINIK8S-FORWARD',
      '-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "minik8s service portals" -j MINIK8S-SERVICES',
      '-A INPUT -m conntrack --ctstate NEW -m comment --comment "minik8s node ports" -j MINIK8S-EXTERNAL-SERVICES',
      'COMMIT',
    ].join('\n'),
  );
  const text = renderServiceRules([], { saved }).text;
  t.deepEqual(lines(text, '-D '), [
    '-D FORWARD -m conntrack --ctstate NEW -m comment --comment "minik8s service portals" -j MINIK8S-SERVICES',
    '-D FORWARD -m comment --comment "minik8s forwarding rules" -j MINIK8S-FORWARD',
  ]);
  t.deepEqual(
    lines(text, '-I FORWARD').map((l) => l.split(' -j ')[1]),
    ['MINIK8S-SERVICES', 'MINIK8S-FORWARD'],
  );
});
