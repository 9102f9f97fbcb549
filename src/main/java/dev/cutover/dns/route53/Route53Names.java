package dev.cutover.dns.route53;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Route 53 returns names with octal escapes for some characters ({@code \052} for {@code *}). */
final class Route53Names {

    private static final Pattern OCTAL = Pattern.compile("\\\\([0-7]{3})");

    private Route53Names() {
    }

    static String decode(String name) {
        Matcher matcher = OCTAL.matcher(name);
        StringBuilder decoded = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(decoded, Matcher.quoteReplacement(
                    String.valueOf((char) Integer.parseInt(matcher.group(1), 8))));
        }
        return matcher.appendTail(decoded).toString();
    }
}
