package io.pulse.ingest.upload;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Keeps text that quotes user cells from being run as a spreadsheet formula (CSV injection). */
final class FormulaGuard {

    /** A value that a spreadsheet would evaluate: at the start of the text or of a quoted cell. */
    private static final Pattern FORMULA = Pattern.compile("(^|')([=+\\-@\\t\\r])");

    private FormulaGuard() {
    }

    /** The text with an apostrophe before every formula-opening character that starts it or a quoted value. */
    static String quote(String text) {
        return FORMULA.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "'" + m.group(2)));
    }
}
