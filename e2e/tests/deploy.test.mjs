// The Kubernetes manifests in deploy/kubernetes/, validated offline against
// the API's schemas (kubernetes-models, pinned in package-lock.json), and
// the Deployment's probes and user checked against what serve --http and the
// image provide.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = join(root, 'deploy', 'kubernetes');
const models = {
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
};

/** Every object of every YAML file in deploy/kubernetes/. */
function manifests() {
  const out = [];
  for (const f of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) {
      assert.deepEqual(doc.errors, [], `${f}: YAML errors`);
      const obj = doc.toJS();
      if (obj) out.push({ file: f, obj });
    }
  }
  return out;
}

describe('deploy/kubernetes', () => {
  const all = manifests();

  it('holds a Deployment, a Service, a HorizontalPodAutoscaler and a ConfigMap', () => {
    const kinds = all.map((m) => m.obj.kind).sort();
    assert.deepEqual(kinds, ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'Service']);
  });

  for (const { file, obj } of all) {
    it(`${file}: ${obj.kind} is valid against the ${obj.apiVersion} schema`, () => {
      const Model = models[`${obj.apiVersion}/${obj.kind}`];
      assert.ok(Model, `${file}: no schema for ${obj.apiVersion} ${obj.kind}`);
      new Model(obj).validate();
    });
  }

  it('the validator rejects a broken manifest (it does check)', () => {
    const d = structuredClone(all.find((m) => m.obj.kind === 'Deployment').obj);
    d.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    assert.throws(() => new Deployment(d).validate(), /containerPort/);
  });

  it('the Deployment probes /healthz and /readyz on the served port, runs as a non-root user', () => {
    const d = all.find((m) => m.obj.kind === 'Deployment').obj;
    const pod = d.spec.template.spec;
    const [c] = pod.containers;
    assert.equal(c.livenessProbe.httpGet.path, '/healthz');
    assert.equal(c.readinessProbe.httpGet.path, '/readyz');
    const port = c.ports.find((p) => p.name === c.readinessProbe.httpGet.port || p.containerPort === c.readinessProbe.httpGet.port);
    assert.ok(port, 'the probes name a port of the container');
    assert.ok(c.args.some((a) => a === `--http=:${port.containerPort}`), `serve listens on ${port.containerPort}`);
    const sc = { ...pod.securityContext, ...c.securityContext };
    assert.equal(sc.runAsNonRoot, true);
    assert.ok(Number.isInteger(sc.runAsUser) && sc.runAsUser > 0, 'a numeric user other than root, which the kubelet can check');
    assert.equal(sc.allowPrivilegeEscalation, false);
    // The image runs as the same user.
    const user = readFileSync(join(root, 'Dockerfile'), 'utf8').match(/^USER (\d+)/m);
    assert.ok(user && Number(user[1]) === sc.runAsUser, 'the Dockerfile USER is the Deployment runAsUser');
    // The Service and the autoscaler point at it.
    const svc = all.find((m) => m.obj.kind === 'Service').obj;
    for (const [k, v] of Object.entries(svc.spec.selector)) assert.equal(d.spec.template.metadata.labels[k], v);
    const hpa = all.find((m) => m.obj.kind === 'HorizontalPodAutoscaler').obj;
    assert.equal(hpa.spec.scaleTargetRef.name, d.metadata.name);
  });
});
