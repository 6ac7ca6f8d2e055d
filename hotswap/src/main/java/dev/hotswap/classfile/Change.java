package dev.hotswap.classfile;

/**
 * One structural difference between the running version of a class and a new one: something
 * the JVM's own redefinition cannot apply.
 *
 * @param kind what changed
 * @param member the member concerned as Java source spells it ({@code test(int)}, {@code count}),
 *               or empty when the change is about the class itself
 * @param description one phrase for the user, e.g. {@code method test(int) now takes (long)}
 * @param oldDescriptor the member's JVM descriptor before ({@code (I)V}), or empty
 * @param newDescriptor the member's JVM descriptor after, or empty
 */
public record Change(Kind kind, String member, String description, String oldDescriptor, String newDescriptor) {

    public Change(Kind kind, String member, String description) {
        this(kind, member, description, "", "");
    }

    /** Every kind of change that makes a new version structural. */
    public enum Kind {
        METHOD_ADDED,
        METHOD_REMOVED,
        METHOD_SIGNATURE_CHANGED,
        METHOD_MODIFIERS_CHANGED,
        LAMBDA_ADDED,
        LAMBDA_REMOVED,
        LAMBDAS_RENUMBERED,
        FIELD_ADDED,
        FIELD_REMOVED,
        FIELD_TYPE_CHANGED,
        FIELD_MODIFIERS_CHANGED,
        FIELDS_REORDERED,
        ENUM_CONSTANT_ADDED,
        ENUM_CONSTANT_REMOVED,
        SUPERCLASS_CHANGED,
        INTERFACES_CHANGED,
        CLASS_MODIFIERS_CHANGED,
        NEST_HOST_CHANGED,
        NEST_MEMBERS_CHANGED,
        PERMITTED_SUBCLASSES_CHANGED,
        RECORD_COMPONENTS_CHANGED
    }
}
