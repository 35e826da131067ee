package dev.prescale.models.lstm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.prescale.models.combine.CombinationSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The model.json of an artifact directory: name, version, how inputs are scaled, the two heads, the
 * training data and settings, when it was made, and how forecasts combine the network with the
 * statistical candidates ({@code combination}; absent in older artifacts: the network alone).
 */
public record LstmModelMetadata(
        String name,
        String version,
        String created,
        String engine,
        long seed,
        String scaling,
        List<String> covariates,
        List<String> trainingData,
        Map<String, HeadSpec> heads,
        @JsonInclude(JsonInclude.Include.NON_NULL) CombinationSpec combination) {

    /** The file name inside an artifact directory. */
    public static final String FILE = "model.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Reads {@code dir/model.json}. */
    public static LstmModelMetadata read(Path dir) throws IOException {
        return JSON.readValue(dir.resolve(FILE).toFile(), LstmModelMetadata.class);
    }

    /** Writes {@code dir/model.json}. */
    public void write(Path dir) throws IOException {
        JSON.writeValue(dir.resolve(FILE).toFile(), this);
    }

    /** The same metadata with another combination setting (null: the network alone). */
    public LstmModelMetadata withCombination(CombinationSpec c) {
        return new LstmModelMetadata(name, version, created, engine, seed, scaling, covariates, trainingData, heads, c);
    }

    /** The string forecasts carry, e.g. {@code lstm-quantile/1}. */
    public String versionString() {
        return name + "/" + version;
    }
}
