package dev.cutover.cutover;

/** Who asks for something: an authenticated user with the address the request came from, or the system. */
public record Actor(String name, String origin) {

    public static final Actor SYSTEM = new Actor("system", null);
}
