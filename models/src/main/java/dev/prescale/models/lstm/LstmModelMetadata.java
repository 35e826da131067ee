package dev.prescale.models.lstm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The model.json of an artifact directory: name, version, how inputs are scaled, the two heads, the
 * training data and settings, and when it was made.
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
        Map<String, HeadSpec> heads) {

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

    /** The string forecasts carry, e.g. {@code lstm-quantile/1}. */
    public String versionString() {
        return name + "/" + version;
    }
}
