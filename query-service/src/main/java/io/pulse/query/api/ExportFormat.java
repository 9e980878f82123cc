package io.pulse.query.api;

import io.pulse.common.http.MediaTypes;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** How an export is written: CSV with a header row, or one JSON object per line keyed by the column names. */
enum ExportFormat {
    CSV(MediaTypes.CSV, "csv"),
    NDJSON(MediaTypes.NDJSON, "ndjson");

    final String mediaType;
    final String extension;

    ExportFormat(String mediaType, String extension) {
        this.mediaType = mediaType;
        this.extension = extension;
    }

    /** The first of the client's acceptable types (in order of preference) that is one of ours; CSV for any other. */
    static ExportFormat of(List<MediaType> acceptable) {
        for (MediaType type : acceptable) {
            if (type.isCompatible(MediaType.valueOf(MediaTypes.NDJSON)) && !type.isWildcardType() && !type.isWildcardSubtype()) {
                return NDJSON;
            }
            if (type.isCompatible(MediaType.valueOf(MediaTypes.CSV))) {
                return CSV;
            }
        }
        return CSV;
    }
}
