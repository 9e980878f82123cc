package io.pulse.common.access;

import java.util.Set;

/** One entry of the API key file: who the key is (for logs and limits) and what it may do. */
public record ApiKey(String name, Set<String> scopes) {
}
