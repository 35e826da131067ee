package dev.prescale.job.eval;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.prescale.job.scaling.ScalingPolicy;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The scaling policy an evaluation runs: the production defaults, with the limits that the
 * EVALUATION.md group does not have lifted (no minimum, no maximum, no step limit), optionally read
 * from a YAML file (its {@code scaling:} section, or the whole file) over those defaults.
 */
public final class EvaluationPolicies {

    private EvaluationPolicies() {}

    /** The defaults with the limits of the simulated group. */
    public static ScalingPolicy defaults() {
        ScalingPolicy p = new ScalingPolicy();
        liftLimits(p);
        return p;
    }

    /** The simulated group has no capacity or step limits: none may bias the comparison. */
    static void liftLimits(ScalingPolicy p) {
        p.minCapacity = 0;
        p.maxCapacity = 1_000_000;
        p.maxStepUp = 1_000_000;
        p.maxStepDown = 1_000_000;
    }

    /** Reads a policy from YAML; unknown keys fail so that typos are not silently ignored. */
    public static ScalingPolicy read(Path yaml) throws IOException {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        JsonNode root = mapper.readTree(yaml.toFile());
        JsonNode node = root != null && root.has("scaling") ? root.get("scaling") : root;
        // Start from the evaluation defaults, so that the simulated group's lifted limits hold unless the file sets them.
        ScalingPolicy p = defaults();
        if (node != null && !node.isNull()) {
            p = mapper.readerForUpdating(p).readValue(node);
        }
        p.validate("scaling");
        return p;
    }
}
