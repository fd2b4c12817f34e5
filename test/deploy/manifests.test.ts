// deploy/ agrees with the Kubernetes schemas, renders with kustomize, and agrees with
// the code: ports, probe paths, setting names and values, security posture, KEDA.
import { parser as promql } from "@prometheus-io/lezer-promql";
import type { IContainer } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.ts";
import { allSettings } from "../../src/config/schema.ts";
import { HEALTH_PATHS } from "../../src/health/server.ts";
import { unknownFields } from "./strict-fields.ts";
import { find, kubectlAvailable, type Manifest, manifestFiles, parseManifests, readRepoFile, render, shippedQueries, validateManifest } from "./manifests.ts";

const HAS_KUBECTL = kubectlAvailable();
if (!HAS_KUBECTL) console.warn("SKIPPED: kubectl is not on PATH; kustomize rendering tests do not run here.");

const settingsByName = new Map(allSettings.map((s) => [s.env, s]));
const METRICS_PORT = Number(settingsByName.get("AUDIT_ENRICHER_METRICS_PORT")?.default);
const GRACE_DEFAULT = Number(settingsByName.get("AUDIT_ENRICHER_SHUTDOWN_GRACE_SECONDS")?.default);

type Pod = {
  serviceAccountName: string;
  terminationGracePeriodSeconds: number;
  automountServiceAccountToken?: boolean;
  securityContext: Record<string, unknown>;
  containers: IContainer[];
  volumes: { name: string; emptyDir?: unknown }[];
};
function podOf(manifests: readonly Manifest[]): { labels: Record<string, string>; spec: Pod } {
  const deployment = find(manifests, "Deployment", "audit-enricher") as unknown as {
    spec: { template: { metadata: { labels: Record<string, string> }; spec: Pod } };
  };
  return { labels: deployment.spec.template.metadata.labels, spec: deployment.spec.template.spec };
}
function configData(manifests: readonly Manifest[]): Record<string, string> {
  return (find(manifests, "ConfigMap", "audit-enricher-config") as unknown as { data: Record<string, string> }).data;
}

describe("every manifest file validates against its schema", () => {
  const files = manifestFiles();
  it("finds the manifests", () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });
  it.each(files)("%s", (file) => {
    const manifests = parseManifests(readRepoFile(file), file);
    expect(manifests.length).toBeGreaterThan(0);
    for (const manifest of manifests) validateManifest(manifest);
  });
  it("rejects an invalid object (the validator is not a no-op)", () => {
    const broken = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: { replicas: "two", template: {} } };
    expect(() => validateManifest(broken)).toThrow(/replicas must be integer|selector/);
    expect(() => validateManifest({ apiVersion: "keda.sh/v1alpha1", kind: "TriggerAuthentication", metadata: { name: "x" }, spec: { podIdentity: { provider: "nope" } } })).toThrow();
  });
});

describe.skipIf(!HAS_KUBECTL)("kustomize renders", () => {
  for (const dir of ["deploy/base", "deploy/overlays/production"]) {
    it(`${dir} renders and every rendered object validates`, () => {
      const manifests = render(dir);
      for (const manifest of manifests) validateManifest(manifest);
      expect(manifests.map((m) => m.kind)).toEqual(expect.arrayContaining(["ServiceAccount", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy"]));
    });
  }
  it("no rendered object carries a field its Kubernetes or CRD type does not know (typos included)", () => {
    const manifests = [...render("deploy/base"), ...render("deploy/overlays/production")];
    const deployment = find(render("deploy/base"), "Deployment") as unknown as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    // A control: the same Deployment with one misspelled security field must be caught.
    const typo = structuredClone(deployment);
    const container = typo.spec.template.spec.containers[0] as { securityContext: Record<string, unknown> };
    container.securityContext = { ...container.securityContext, readOnlyRootFileSystem: true };
    const problems = unknownFields([...manifests, { ...(typo as unknown as Manifest), metadata: { name: "typo-control" } }]);
    expect(problems.filter((p) => p.manifest !== "Deployment/typo-control")).toEqual([]);
    expect(problems.map((p) => p.message).join("\n")).toMatch(/readOnlyRootFileSystem/);
  }, 60_000);

  it("the production overlay adds monitoring, dashboard and KEDA, all in one namespace", () => {
    const manifests = render("deploy/overlays/production");
    expect(manifests.map((m) => m.kind)).toEqual(expect.arrayContaining(["Namespace", "ServiceMonitor", "PrometheusRule", "ScaledObject", "TriggerAuthentication"]));
    const namespaced = manifests.filter((m) => m.kind !== "Namespace");
    expect(new Set(namespaced.map((m) => (m.metadata as { namespace?: string }).namespace))).toEqual(new Set(["audit-enricher"]));
    const dashboard = find(manifests, "ConfigMap", "audit-enricher-dashboard") as Manifest & { data: Record<string, string> };
    expect(dashboard.metadata.labels?.grafana_dashboard).toBe("1");
    expect(JSON.parse(dashboard.data["audit-enricher.json"] ?? "").uid).toBe("audit-enricher");
  });
});

describe.skipIf(!HAS_KUBECTL)("the Deployment agrees with the code", () => {
  const manifests = HAS_KUBECTL ? render("deploy/overlays/production") : [];
  const pod = () => podOf(manifests);
  const container = () => pod().spec.containers[0] as IContainer;

  it("runs hardened: non-root, read-only root, no capabilities, RuntimeDefault seccomp, /tmp emptyDir", () => {
    const { spec } = pod();
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } });
    expect(container().securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    });
    const tmp = container().volumeMounts?.find((m) => m.mountPath === "/tmp");
    expect(spec.volumes.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
    expect(container().resources?.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container().resources?.limits?.memory).toBeDefined();
  });

  it("uses the same uid as the Dockerfile's USER", () => {
    const user = /^USER\s+(\d+)(?::(\d+))?\s*$/m.exec(readRepoFile("Dockerfile"));
    expect(Number(user?.[1])).toBe(pod().spec.securityContext.runAsUser);
    expect(Number(user?.[2])).toBe(pod().spec.securityContext.runAsGroup);
  });

  it("probes the health server's paths on the metrics port the config and image use", () => {
    const c = container();
    const port = c.ports?.find((p) => p.name === "metrics");
    expect(port?.containerPort).toBe(METRICS_PORT);
    expect(Number(configData(manifests).AUDIT_ENRICHER_METRICS_PORT)).toBe(METRICS_PORT);
    expect(readRepoFile("Dockerfile")).toMatch(new RegExp(`^EXPOSE\\s+${METRICS_PORT}\\s*$`, "m"));
    expect(c.livenessProbe?.httpGet).toMatchObject({ path: HEALTH_PATHS.liveness, port: "metrics" });
    expect(c.startupProbe?.httpGet).toMatchObject({ path: HEALTH_PATHS.liveness, port: "metrics" });
    expect(c.readinessProbe?.httpGet).toMatchObject({ path: HEALTH_PATHS.readiness, port: "metrics" });
    const service = find(manifests, "Service") as unknown as { spec: { ports: { name: string; port: number; targetPort: string }[] } };
    expect(service.spec.ports).toEqual([expect.objectContaining({ name: "metrics", port: METRICS_PORT, targetPort: "metrics" })]);
    const monitor = find(manifests, "ServiceMonitor") as unknown as { spec: { endpoints: { port: string; path: string }[] } };
    expect(monitor.spec.endpoints[0]).toMatchObject({ port: "metrics", path: HEALTH_PATHS.metrics });
  });

  it("gives Kubernetes' SIGKILL a margin over the worker's shutdown grace", () => {
    const grace = Number(configData(manifests).AUDIT_ENRICHER_SHUTDOWN_GRACE_SECONDS ?? GRACE_DEFAULT);
    expect(pod().spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(grace + 5);
  });

  it("names only settings of the config schema, and the production ConfigMap is a valid configuration", () => {
    const data = configData(manifests);
    const names = [...Object.keys(data), ...(container().env ?? []).map((e) => e.name)];
    for (const name of names) expect(settingsByName.has(name), `${name} is not in src/config/schema.ts`).toBe(true);
    expect(() => loadConfig({ ...data })).not.toThrow();
    const config = loadConfig({ ...data });
    expect(JSON.stringify(config)).toContain("contoso-audit.servicebus.windows.net");
  });

  it("carries no secret in the ConfigMap or env: identity settings only, secrets only by secretKeyRef", () => {
    const data = configData(manifests);
    for (const name of Object.keys(data)) {
      expect(settingsByName.get(name)?.secret ?? false, `${name} is a secret setting`).toBe(false);
      expect(name).not.toMatch(/CONNECTION_STRING/);
    }
    expect(data.AUDIT_ENRICHER_EVENTHUB_FQDN).toBeDefined();
    expect(data.AUDIT_ENRICHER_STORAGE_ACCOUNT_URL).toMatch(/^https:\/\//);
    for (const env of container().env ?? []) {
      expect(env.value, `${env.name} has a literal value`).toBeUndefined();
      expect(env.valueFrom?.secretKeyRef).toBeDefined();
    }
    expect(manifests.filter((m) => m.kind === "Secret")).toEqual([]);
  });

  it("is wired for AKS workload identity", () => {
    const sa = find(manifests, "ServiceAccount");
    const clientId = sa.metadata.annotations?.["azure.workload.identity/client-id"];
    expect(clientId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    // The overlay's patches replaced the base's placeholder (a failed patch would keep it).
    expect(clientId).not.toBe("00000000-0000-0000-0000-000000000000");
    expect(pod().labels["azure.workload.identity/use"]).toBe("true");
    expect(pod().spec.serviceAccountName).toBe(sa.metadata.name);
    const auth = find(manifests, "TriggerAuthentication") as unknown as { spec: { podIdentity: { provider: string; identityId: string } } };
    expect(auth.spec.podIdentity).toEqual({ provider: "azure-workload", identityId: clientId });
  });

  it("selects its own pods everywhere (Service, PDB, NetworkPolicy, ServiceMonitor)", () => {
    const labels = pod().labels;
    const selectors = [
      (find(manifests, "Service") as unknown as { spec: { selector: Record<string, string> } }).spec.selector,
      (find(manifests, "PodDisruptionBudget") as unknown as { spec: { selector: { matchLabels: Record<string, string> } } }).spec.selector.matchLabels,
      (find(manifests, "NetworkPolicy") as unknown as { spec: { podSelector: { matchLabels: Record<string, string> } } }).spec.podSelector.matchLabels,
    ];
    for (const selector of selectors) expect(labels).toMatchObject(selector);
    const monitor = find(manifests, "ServiceMonitor") as unknown as { spec: { selector: { matchLabels: Record<string, string> } } };
    expect(find(manifests, "Service").metadata.labels).toMatchObject(monitor.spec.selector.matchLabels);
  });

  it("lets the pod reach DNS, Event Hubs (5671) and HTTPS (443), and monitoring reach the metrics port", () => {
    const policy = find(manifests, "NetworkPolicy") as unknown as {
      spec: { policyTypes: string[]; ingress: { ports: { port: number }[] }[]; egress: { ports: { port: number; protocol: string }[] }[] };
    };
    expect(policy.spec.policyTypes).toEqual(["Ingress", "Egress"]);
    expect(policy.spec.ingress.flatMap((r) => r.ports.map((p) => p.port))).toEqual([METRICS_PORT]);
    const egress = policy.spec.egress.flatMap((r) => r.ports.map((p) => `${p.protocol}/${p.port}`));
    expect(egress).toEqual(expect.arrayContaining(["UDP/53", "TCP/53", "TCP/443", "TCP/5671"]));
  });
});

describe.skipIf(!HAS_KUBECTL)("KEDA reads the checkpoints the worker writes", () => {
  const manifests = HAS_KUBECTL ? render("deploy/overlays/production") : [];
  const trigger = () =>
    (find(manifests, "ScaledObject") as unknown as { spec: { triggers: { type: string; metadata: Record<string, string> }[] } }).spec.triggers[0];

  it("uses the azure-eventhub trigger with blob metadata checkpoints", () => {
    expect(trigger()?.type).toBe("azure-eventhub");
    expect(trigger()?.metadata.checkpointStrategy).toBe("blobMetadata");
  });

  it("names the same namespace, hub, consumer group, account and container as the worker, in lower case", () => {
    const data = configData(manifests);
    const meta = trigger()?.metadata ?? {};
    expect(meta.eventHubNamespace).toBe(data.AUDIT_ENRICHER_EVENTHUB_FQDN?.split(".")[0]);
    expect(meta.eventHubName).toBe(data.AUDIT_ENRICHER_EVENTHUB_NAME);
    expect(meta.consumerGroup).toBe(data.AUDIT_ENRICHER_CONSUMER_GROUP);
    expect(meta.blobContainer).toBe(data.AUDIT_ENRICHER_CHECKPOINT_CONTAINER);
    expect(meta.storageAccountName).toBe(new URL(data.AUDIT_ENRICHER_STORAGE_ACCOUNT_URL ?? "").hostname.split(".")[0]);
    // The SDK lower-cases namespace, hub and group in the blob path; KEDA only the group.
    for (const value of [data.AUDIT_ENRICHER_EVENTHUB_FQDN, data.AUDIT_ENRICHER_EVENTHUB_NAME]) expect(value).toBe(value?.toLowerCase());
  });

  it("scales the worker Deployment", () => {
    const scaled = find(manifests, "ScaledObject") as unknown as { spec: { scaleTargetRef: { name: string }; minReplicaCount: number } };
    expect(scaled.spec.scaleTargetRef.name).toBe(find(manifests, "Deployment").metadata.name);
    expect(scaled.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
  });
});

describe("PromQL in the PrometheusRule and the dashboard", () => {
  it.each(shippedQueries().map((q) => [q.where, q.expr]))("%s parses", (_where, expr) => {
    // Grafana's $__rate_interval / $namespace are substituted before Prometheus sees them.
    const concrete = expr.replaceAll("$__rate_interval", "5m").replaceAll("$namespace", "x");
    let errors = 0;
    promql.parse(concrete).iterate({ enter: (node) => void (node.type.isError && errors++) });
    expect(errors, concrete).toBe(0);
  });
  it("the parser rejects broken PromQL (the check can fail)", () => {
    let errors = 0;
    promql.parse("sum(rate(x[5m]) by").iterate({ enter: (node) => void (node.type.isError && errors++) });
    expect(errors).toBeGreaterThan(0);
  });
});

describe("the README's runbook covers every alert", () => {
  const rules = parseManifests(readRepoFile("deploy/components/monitoring/prometheusrule.yaml"), "prometheusrule.yaml")[0] as unknown as {
    spec: { groups: { rules: { alert: string; annotations: Record<string, string>; labels: Record<string, string> }[] }[] };
  };
  const alerts = rules.spec.groups.flatMap((g) => g.rules);
  const readme = readRepoFile("README.md");
  const runbook = /^## Runbook\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? "";
  const entries = [...runbook.matchAll(/^### (\S+)$/gm)].map((m) => m[1]);

  it("has one entry per alert, and no entry for an alert that does not exist", () => {
    expect(alerts.length).toBeGreaterThanOrEqual(7);
    expect(entries.sort()).toEqual(alerts.map((a) => a.alert).sort());
  });

  it("links each alert to its entry and gives it a severity, summary and description", () => {
    for (const alert of alerts) {
      expect(alert.annotations.runbook_url).toBe(`README.md#${alert.alert.toLowerCase()}`);
      expect(alert.labels.severity).toMatch(/^(critical|warning|info)$/);
      expect(alert.annotations.summary).toBeTruthy();
      expect(alert.annotations.description).toBeTruthy();
    }
  });

  it("covers the alert kinds the issue asks for", () => {
    const names = alerts.map((a) => a.alert);
    for (const kind of ["HighRiskActivity", "UnrecognizedActivitiesRising", "LagGrowing", "CheckpointStale", "DeadLetterRate", "SinkFailing", "NotReady"]) {
      expect(names).toContain(`AuditEnricher${kind}`);
    }
  });
});

describe("the Grafana dashboard", () => {
  const dashboard = JSON.parse(readRepoFile("deploy/components/monitoring/dashboards/audit-enricher.json")) as {
    uid: string;
    panels: { id: number; type: string; title: string; gridPos: { x: number; y: number; w: number; h: number }; datasource?: { uid: string }; targets?: { expr: string }[] }[];
    templating: { list: { name: string; type: string }[] };
  };

  it("has the panels on-call needs: lag per partition, throughput, sensitivity mix, alerts, sink latency", () => {
    const queries = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)).join("\n");
    expect(queries).toMatch(/max by \(partition\) \(audit_enricher_partition_lag_events/);
    expect(queries).toMatch(/rate\(audit_enricher_source_records_received_total/);
    expect(queries).toMatch(/sum by \(sensitivity\) \(rate\(audit_enricher_records_total/);
    expect(queries).toMatch(/audit_enricher_alerts_total/);
    expect(queries).toMatch(/ALERTS\{/);
    expect(queries).toMatch(/histogram_quantile\(0\.99, sum by \(le, sink\) \(rate\(audit_enricher_sink_write_duration_seconds_bucket/);
  });

  it("lays panels out without overlap on Grafana's 24-column grid, with unique ids and the datasource variable", () => {
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    const cells = new Set<string>();
    for (const panel of dashboard.panels) {
      const { x, y, w, h } = panel.gridPos;
      expect(x + w, panel.title).toBeLessThanOrEqual(24);
      for (let dx = 0; dx < w; dx++) {
        for (let dy = 0; dy < h; dy++) {
          const cell = `${x + dx},${y + dy}`;
          expect(cells.has(cell), `${panel.title} overlaps at ${cell}`).toBe(false);
          cells.add(cell);
        }
      }
      // Grafana's own variable syntax, not a template literal.
      if (panel.type !== "row") expect(panel.datasource?.uid).toBe(["$", "{datasource}"].join(""));
    }
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(["datasource", "namespace"]);
  });
});

describe.skipIf(!HAS_KUBECTL)("the production overlay's image", () => {
  it("is the overlay's registry image, tagged with the package version", () => {
    const { version } = JSON.parse(readRepoFile("package.json")) as { version: string };
    const overlay = parseManifests(readRepoFile("deploy/overlays/production/kustomization.yaml"), "kustomization.yaml")[0] as unknown as {
      images: { name: string; newName: string; newTag: string }[];
    };
    const [container] = podOf(render("deploy/overlays/production")).spec.containers;
    expect(overlay.images[0]?.newTag).toBe(version);
    expect(container?.image).toBe(`${overlay.images[0]?.newName}:${version}`);
  });
});
