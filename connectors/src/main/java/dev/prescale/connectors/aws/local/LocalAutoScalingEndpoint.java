package dev.prescale.connectors.aws.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for the EC2 Auto Scaling API, for tests and demos without an AWS account. It
 * speaks the AWS Query protocol (form-encoded POST with {@code Action} and {@code Version=2011-01-01},
 * XML answers, AWS error bodies with the right HTTP status) for the calls the sink makes:
 * DescribeAutoScalingGroups (with the groups' tags), SetDesiredCapacity, PutWarmPool, CreateOrUpdateTags
 * (groups only), plus DescribeWarmPool,
 * DeleteWarmPool and a CreateAutoScalingGroup-lite (name, MinSize, MaxSize, DesiredCapacity).
 * SigV4 signatures are accepted without being checked. Groups and their launch delays live in
 * {@link SimulatedAutoScaling}; faults come from {@link FaultInjector}, driven from Java or from
 * the admin paths under {@code /admin/} (state, throttle, error, delay, down, clear, group).
 */
public final class LocalAutoScalingEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalAutoScalingEndpoint.class);

    /** One API call as it arrived, with the HTTP status it got (0: connection dropped). */
    public static final class RecordedCall {
        public final String action;
        public final Map<String, String> params;
        public final int status;

        RecordedCall(String action, Map<String, String> params, int status) {
            this.action = action;
            this.params = Collections.unmodifiableMap(new TreeMap<>(params));
            this.status = status;
        }

        @Override
        public String toString() {
            return action + " " + params + " -> " + status;
        }
    }

    private final SimulatedAutoScaling service;
    private final FaultInjector faults;
    private final HttpServer server;
    private final ExecutorService executor;
    private final List<RecordedCall> calls = new ArrayList<>();

    private LocalAutoScalingEndpoint(SimulatedAutoScaling service, FaultInjector faults, HttpServer server, ExecutorService executor) {
        this.service = service;
        this.faults = faults;
        this.server = server;
        this.executor = executor;
    }

    /** Starts on 127.0.0.1:{@code port} (0 picks a free port). */
    public static LocalAutoScalingEndpoint start(int port, Clock clock, LaunchTimings timings) throws IOException {
        return start("127.0.0.1", port, clock, timings);
    }

    public static LocalAutoScalingEndpoint start(String host, int port, Clock clock, LaunchTimings timings) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "local-autoscaling-endpoint");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        LocalAutoScalingEndpoint endpoint = new LocalAutoScalingEndpoint(
                new SimulatedAutoScaling(clock, timings), new FaultInjector(clock), server, executor);
        server.createContext("/admin/", endpoint::handleAdmin);
        server.createContext("/", endpoint::handleApi);
        server.start();
        LOG.info("Local Auto Scaling endpoint on http://{}:{} ({})", host, endpoint.port(), timings);
        return endpoint;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The URL to give the SDK as endpoint override. */
    public String url() {
        return "http://" + server.getAddress().getHostString() + ":" + port();
    }

    public SimulatedAutoScaling service() {
        return service;
    }

    public FaultInjector faults() {
        return faults;
    }

    /** Every API call so far, in arrival order. */
    public synchronized List<RecordedCall> calls() {
        return new ArrayList<>(calls);
    }

    /** The API calls so far with this action. */
    public synchronized List<RecordedCall> calls(String action) {
        List<RecordedCall> out = new ArrayList<>();
        for (RecordedCall c : calls) {
            if (c.action.equals(action)) {
                out.add(c);
            }
        }
        return out;
    }

    private synchronized void record(String action, Map<String, String> params, int status) {
        calls.add(new RecordedCall(action, params, status));
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handleApi(HttpExchange exchange) throws IOException {
        Map<String, String> params = new LinkedHashMap<>(parseForm(exchange.getRequestURI().getRawQuery()));
        params.putAll(parseForm(readBody(exchange)));
        String action = params.getOrDefault("Action", "");
        String requestId = QueryXml.newRequestId();
        try {
            if (faults.beforeCall() == FaultInjector.Action.DROP_CONNECTION) {
                record(action, params, 0);
                // Closing before any header is sent makes the JDK server drop the connection.
                exchange.close();
                return;
            }
            long delay = faults.delayMillis();
            if (delay > 0) {
                Thread.sleep(delay);
            }
            String version = params.get("Version");
            if (version != null && !version.equals("2011-01-01")) {
                throw new AutoScalingApiException(400, "InvalidParameterValue", "Unsupported Version " + version);
            }
            String body = answer(action, params, requestId);
            record(action, params, 200);
            send(exchange, 200, body);
        } catch (AutoScalingApiException e) {
            record(action, params, e.status());
            send(exchange, e.status(), QueryXml.error(e.faultType(), e.code(), e.getMessage(), requestId));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
        } catch (RuntimeException e) {
            LOG.error("Local endpoint failed on {}", action, e);
            record(action, params, 500);
            send(exchange, 500, QueryXml.error("Receiver", "InternalFailure", String.valueOf(e), requestId));
        }
    }

    private String answer(String action, Map<String, String> p, String requestId) {
        switch (action) {
            case "DescribeAutoScalingGroups":
                return describeGroups(members(p, "AutoScalingGroupNames"), requestId);
            case "SetDesiredCapacity":
                service.setDesiredCapacity(required(p, "AutoScalingGroupName"), intParam(p, "DesiredCapacity", null));
                return QueryXml.emptyResponse(action, requestId);
            case "PutWarmPool":
                service.putWarmPool(required(p, "AutoScalingGroupName"), intParam(p, "MinSize", 0),
                        intParam(p, "MaxGroupPreparedCapacity", -1), p.getOrDefault("PoolState", "Stopped"),
                        Boolean.parseBoolean(p.getOrDefault("InstanceReusePolicy.ReuseOnScaleIn", "false")));
                return new QueryXml().openRoot("PutWarmPoolResponse").open("PutWarmPoolResult").close("PutWarmPoolResult")
                        .responseMetadata(requestId).close("PutWarmPoolResponse").toString();
            case "CreateOrUpdateTags":
                createOrUpdateTags(p);
                return QueryXml.emptyResponse(action, requestId);
            case "DescribeWarmPool":
                return describeWarmPool(service.group(required(p, "AutoScalingGroupName")), requestId);
            case "DeleteWarmPool":
                service.deleteWarmPool(required(p, "AutoScalingGroupName"));
                return new QueryXml().openRoot("DeleteWarmPoolResponse").open("DeleteWarmPoolResult").close("DeleteWarmPoolResult")
                        .responseMetadata(requestId).close("DeleteWarmPoolResponse").toString();
            case "CreateAutoScalingGroup":
                int min = intParam(p, "MinSize", null);
                service.createGroup(required(p, "AutoScalingGroupName"), min, intParam(p, "MaxSize", null),
                        intParam(p, "DesiredCapacity", min));
                return QueryXml.emptyResponse(action, requestId);
            default:
                throw new AutoScalingApiException(400, "InvalidAction",
                        "The action " + action + " is not valid for this web service.");
        }
    }

    private String describeGroups(List<String> names, String requestId) {
        QueryXml xml = new QueryXml().openRoot("DescribeAutoScalingGroupsResponse")
                .open("DescribeAutoScalingGroupsResult").open("AutoScalingGroups");
        for (SimulatedAutoScaling.GroupView g : service.describe(names)) {
            xml.open("member")
                    .element("AutoScalingGroupName", g.name)
                    .element("AutoScalingGroupARN", "arn:aws:autoscaling:local:000000000000:autoScalingGroup:local:autoScalingGroupName/" + g.name)
                    .element("MinSize", g.minSize)
                    .element("MaxSize", g.maxSize)
                    .element("DesiredCapacity", g.desiredCapacity)
                    .element("DefaultCooldown", 300)
                    .open("AvailabilityZones").element("member", "local-1a").close("AvailabilityZones")
                    .element("HealthCheckType", "EC2")
                    .element("HealthCheckGracePeriod", 300)
                    .element("CreatedTime", DateTimeFormatter.ISO_INSTANT.format(g.createdTime));
            xml.open("Instances");
            for (SimulatedAutoScaling.SimInstance i : g.instances) {
                instance(xml, i);
            }
            xml.close("Instances");
            if (g.warmPool != null) {
                warmPoolConfiguration(xml, g.warmPool);
                xml.element("WarmPoolSize", g.warmInstances.size());
            }
            xml.open("Tags");
            for (Map.Entry<String, String> t : g.tags.entrySet()) {
                xml.open("member")
                        .element("ResourceId", g.name)
                        .element("ResourceType", "auto-scaling-group")
                        .element("Key", t.getKey())
                        .element("Value", t.getValue())
                        .element("PropagateAtLaunch", false)
                        .close("member");
            }
            xml.close("Tags");
            xml.close("member");
        }
        return xml.close("AutoScalingGroups").close("DescribeAutoScalingGroupsResult")
                .responseMetadata(requestId).close("DescribeAutoScalingGroupsResponse").toString();
    }

    /** Tags.member.N.{ResourceId, ResourceType, Key, Value}: every tag names an existing group. */
    private void createOrUpdateTags(Map<String, String> p) {
        Map<Integer, Map<String, String>> tags = new TreeMap<>();
        for (Map.Entry<String, String> e : p.entrySet()) {
            String[] parts = e.getKey().split("\\.");
            if (parts.length == 4 && parts[0].equals("Tags") && parts[1].equals("member")) {
                try {
                    tags.computeIfAbsent(Integer.parseInt(parts[2]), i -> new LinkedHashMap<>()).put(parts[3], e.getValue());
                } catch (NumberFormatException bad) {
                    throw AutoScalingApiException.validation("bad list parameter " + e.getKey());
                }
            }
        }
        if (tags.isEmpty()) {
            throw AutoScalingApiException.validation("Tags is required");
        }
        for (Map<String, String> t : tags.values()) {
            if (!"auto-scaling-group".equals(t.get("ResourceType"))) {
                throw AutoScalingApiException.validation("ResourceType must be auto-scaling-group");
            }
            service.tag(t.get("ResourceId"), t.get("Key"), t.get("Value"));
        }
    }

    private String describeWarmPool(SimulatedAutoScaling.GroupView g, String requestId) {
        QueryXml xml = new QueryXml().openRoot("DescribeWarmPoolResponse").open("DescribeWarmPoolResult");
        if (g.warmPool != null) {
            warmPoolConfiguration(xml, g.warmPool);
        }
        xml.open("Instances");
        for (SimulatedAutoScaling.SimInstance i : g.warmInstances) {
            instance(xml, i);
        }
        return xml.close("Instances").close("DescribeWarmPoolResult")
                .responseMetadata(requestId).close("DescribeWarmPoolResponse").toString();
    }

    private static void instance(QueryXml xml, SimulatedAutoScaling.SimInstance i) {
        xml.open("member")
                .element("InstanceId", i.id)
                .element("InstanceType", "t3.micro")
                .element("AvailabilityZone", "local-1a")
                .element("LifecycleState", i.state)
                .element("HealthStatus", "Healthy")
                .element("ProtectedFromScaleIn", false)
                .close("member");
    }

    private static void warmPoolConfiguration(QueryXml xml, SimulatedAutoScaling.WarmPoolConfig w) {
        xml.open("WarmPoolConfiguration")
                .element("MinSize", w.minSize)
                .element("MaxGroupPreparedCapacity", w.maxGroupPreparedCapacity)
                .element("PoolState", w.poolState)
                .open("InstanceReusePolicy").element("ReuseOnScaleIn", w.reuseOnScaleIn).close("InstanceReusePolicy")
                .close("WarmPoolConfiguration");
    }

    private void handleAdmin(HttpExchange exchange) throws IOException {
        Map<String, String> p = new LinkedHashMap<>(parseForm(exchange.getRequestURI().getRawQuery()));
        p.putAll(parseForm(readBody(exchange)));
        String path = exchange.getRequestURI().getPath().substring("/admin/".length());
        try {
            String answer;
            switch (path) {
                case "state":
                    StringBuilder sb = new StringBuilder();
                    for (SimulatedAutoScaling.GroupView g : service.describe(List.of())) {
                        sb.append(g).append('\n');
                    }
                    answer = sb.toString();
                    break;
                case "throttle":
                    faults.throttleNext(intParam(p, "count", 1));
                    answer = "ok\n";
                    break;
                case "error":
                    faults.errorNext(intParam(p, "count", 1), intParam(p, "status", 500),
                            p.getOrDefault("code", "InternalFailure"), p.getOrDefault("message", "injected"));
                    answer = "ok\n";
                    break;
                case "delay":
                    faults.delayAnswers(Duration.ofMillis(intParam(p, "ms", 0)));
                    answer = "ok\n";
                    break;
                case "down":
                    faults.downFor(Duration.ofMillis(intParam(p, "ms", 0)));
                    answer = "ok\n";
                    break;
                case "clear":
                    faults.clear();
                    answer = "ok\n";
                    break;
                case "group":
                    int min = intParam(p, "min", 0);
                    service.createGroup(required(p, "name"), min, intParam(p, "max", null), intParam(p, "desired", min));
                    answer = "ok\n";
                    break;
                default:
                    sendText(exchange, 404, "unknown admin path " + path
                            + " (state, throttle?count, error?count&status&code, delay?ms, down?ms, clear, group?name&min&max&desired)\n");
                    return;
            }
            sendText(exchange, 200, answer);
        } catch (AutoScalingApiException e) {
            sendText(exchange, e.status(), e.code() + ": " + e.getMessage() + "\n");
        }
    }

    private static List<String> members(Map<String, String> p, String list) {
        Map<Integer, String> byIndex = new TreeMap<>();
        String prefix = list + ".member.";
        for (Map.Entry<String, String> e : p.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                try {
                    byIndex.put(Integer.parseInt(e.getKey().substring(prefix.length())), e.getValue());
                } catch (NumberFormatException ignored) {
                    throw AutoScalingApiException.validation("bad list parameter " + e.getKey());
                }
            }
        }
        return new ArrayList<>(byIndex.values());
    }

    private static String required(Map<String, String> p, String name) {
        String v = p.get(name);
        if (v == null || v.isEmpty()) {
            throw new AutoScalingApiException(400, "MissingParameter", "The request must contain the parameter " + name);
        }
        return v;
    }

    private static int intParam(Map<String, String> p, String name, Integer fallback) {
        String v = p.get(name);
        if (v == null || v.isEmpty()) {
            if (fallback == null) {
                throw new AutoScalingApiException(400, "MissingParameter", "The request must contain the parameter " + name);
            }
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw AutoScalingApiException.validation("Invalid value '" + v + "' for " + name);
        }
    }

    private static String readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static Map<String, String> parseForm(String form) {
        Map<String, String> out = new LinkedHashMap<>();
        if (form == null || form.isEmpty()) {
            return out;
        }
        for (String pair : form.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static void send(HttpExchange exchange, int status, String xml) throws IOException {
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/xml");
        exchange.getResponseHeaders().set("x-amzn-RequestId", QueryXml.newRequestId());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sendText(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /**
     * {@code --port 8085 [--host 127.0.0.1] [--group name:min:max:desired]... [--time-compression 60]
     * [--cold-launch-s 600] [--warm-launch-s 120] [--warm-prepare-s 600]}; runs until killed.
     */
    public static void main(String[] args) throws Exception {
        int port = 8085;
        String host = "127.0.0.1";
        double compression = 1.0;
        long cold = LaunchTimings.DEFAULT_COLD_LAUNCH.getSeconds();
        long warm = LaunchTimings.DEFAULT_WARM_LAUNCH.getSeconds();
        long prepare = LaunchTimings.DEFAULT_WARM_PREPARE.getSeconds();
        List<String[]> groups = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                System.out.println("usage: LocalAutoScalingEndpoint --port 8085 [--host 127.0.0.1] [--group name:min:max:desired]..."
                        + " [--time-compression F] [--cold-launch-s 600] [--warm-launch-s 120] [--warm-prepare-s 600]");
                return;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--port":
                    port = Integer.parseInt(v);
                    break;
                case "--host":
                    host = v;
                    break;
                case "--time-compression":
                    compression = Double.parseDouble(v);
                    break;
                case "--cold-launch-s":
                    cold = Long.parseLong(v);
                    break;
                case "--warm-launch-s":
                    warm = Long.parseLong(v);
                    break;
                case "--warm-prepare-s":
                    prepare = Long.parseLong(v);
                    break;
                case "--group":
                    String[] parts = v.split(":");
                    if (parts.length != 4) {
                        throw new IllegalArgumentException("--group wants name:min:max:desired, got " + v);
                    }
                    groups.add(parts);
                    break;
                default:
                    throw new IllegalArgumentException("unknown option " + a + " (try --help)");
            }
        }
        LaunchTimings timings = new LaunchTimings(Duration.ofSeconds(cold), Duration.ofSeconds(warm), Duration.ofSeconds(prepare), compression);
        LocalAutoScalingEndpoint endpoint = start(host, port, Clock.systemUTC(), timings);
        for (String[] g : groups) {
            endpoint.service().createGroup(g[0], Integer.parseInt(g[1]), Integer.parseInt(g[2]), Integer.parseInt(g[3]));
        }
        System.out.println("Local Auto Scaling endpoint listening on " + endpoint.url() + " with " + groups.size()
                + " group(s), " + timings + "; admin: " + endpoint.url() + "/admin/state");
        CountDownLatch forever = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            endpoint.close();
            forever.countDown();
        }));
        forever.await();
    }
}
