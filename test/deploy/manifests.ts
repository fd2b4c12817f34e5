// Reads deploy/ the way a cluster would see it: plain YAML files, and the output of
// `kubectl kustomize`, parsed into objects and validated against the Kubernetes and
// CRD schemas of kubernetes-models.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { ScaledObject, TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1";
import { PodMonitor, PrometheusRule, ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { Deployment } from "kubernetes-models/apps/v1";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from "kubernetes-models/v1";
import { parser as promql } from "@prometheus-io/lezer-promql";
import { parseAllDocuments } from "yaml";

export const REPO = join(import.meta.dirname, "..", "..");
export const DEPLOY = join(REPO, "deploy");

export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly [key: string]: unknown;
}

type Validator = (object: Manifest) => void;
// One model per apiVersion/kind we ship; an unknown kind is itself a failure.
const MODELS: Record<string, Validator> = {
  "v1/ConfigMap": (o) => new ConfigMap(o as never).validate(),
  "v1/Namespace": (o) => new Namespace(o as never).validate(),
  "v1/Secret": (o) => new Secret(o as never).validate(),
  "v1/Service": (o) => new Service(o as never).validate(),
  "v1/ServiceAccount": (o) => new ServiceAccount(o as never).validate(),
  "apps/v1/Deployment": (o) => new Deployment(o as never).validate(),
  "policy/v1/PodDisruptionBudget": (o) => new PodDisruptionBudget(o as never).validate(),
  "networking.k8s.io/v1/NetworkPolicy": (o) => new NetworkPolicy(o as never).validate(),
  "keda.sh/v1alpha1/ScaledObject": (o) => new ScaledObject(o as never).validate(),
  "keda.sh/v1alpha1/TriggerAuthentication": (o) => new TriggerAuthentication(o as never).validate(),
  "monitoring.coreos.com/v1/ServiceMonitor": (o) => new ServiceMonitor(o as never).validate(),
  "monitoring.coreos.com/v1/PodMonitor": (o) => new PodMonitor(o as never).validate(),
  "monitoring.coreos.com/v1/PrometheusRule": (o) => new PrometheusRule(o as never).validate(),
};

/** Throws with the kind and name when the schema rejects the object. */
export function validateManifest(object: Manifest): void {
  const validate = MODELS[`${object.apiVersion}/${object.kind}`];
  if (validate === undefined) throw new Error(`no schema for ${object.apiVersion}/${object.kind} (${object.metadata?.name})`);
  try {
    validate(object);
  } catch (error) {
    throw new Error(`${object.kind}/${object.metadata?.name}: ${(error as Error).message}`);
  }
}

export function parseManifests(text: string, source: string): Manifest[] {
  return parseAllDocuments(text).flatMap((document) => {
    if (document.errors.length > 0) throw new Error(`${source}: ${document.errors[0]?.message}`);
    const value = document.toJS() as Manifest | null;
    return value === null ? [] : [value];
  });
}

/** Every YAML file under deploy/ except kustomize's own configuration. */
export function manifestFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(name) && name !== "kustomization.yaml") out.push(relative(REPO, path));
    }
  };
  walk(DEPLOY);
  return out;
}

export function kubectlAvailable(): boolean {
  try {
    execFileSync("kubectl", ["version", "--client"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** `kubectl kustomize <dir>` parsed. */
export function render(dir: string): Manifest[] {
  const text = execFileSync("kubectl", ["kustomize", join(REPO, dir)], { encoding: "utf8" });
  return parseManifests(text, `kubectl kustomize ${dir}`);
}

export function find(manifests: readonly Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && (name === undefined || m.metadata.name.startsWith(name)));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ""}, found ${found.length}`);
  return found[0] as Manifest;
}

export function readRepoFile(path: string): string {
  return readFileSync(join(REPO, path), "utf8");
}

/** Every PromQL expression shipped: alert rules and dashboard panels. */
export function shippedQueries(): { where: string; expr: string }[] {
  const rules = parseManifests(readRepoFile("deploy/components/monitoring/prometheusrule.yaml"), "prometheusrule.yaml")[0] as unknown as {
    spec: { groups: { rules: { alert: string; expr: string }[] }[] };
  };
  const dashboard = JSON.parse(readRepoFile("deploy/components/monitoring/dashboards/audit-enricher.json")) as {
    panels: { title: string; targets?: { expr: string }[] }[];
    templating: { list: { name: string; definition?: string }[] };
  };
  return [
    ...rules.spec.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))),
    ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel ${p.title}`, expr: t.expr }))),
  ];
}


/** Metric names a PromQL expression selects (parsed, not pattern-matched). */
export function metricNamesIn(expr: string): string[] {
  const concrete = expr.replaceAll("$__rate_interval", "5m").replaceAll("$namespace", "x");
  const names: string[] = [];
  promql.parse(concrete).iterate({
    enter(node) {
      if (node.name !== "VectorSelector") return;
      const identifier = node.node.getChild("Identifier");
      if (identifier !== null) names.push(concrete.slice(identifier.from, identifier.to));
    },
  });
  return names;
}
