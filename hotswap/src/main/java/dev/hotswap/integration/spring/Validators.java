package dev.hotswap.integration.spring;

import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Bean Validation's view of the classes: Hibernate Validator keeps each class's constraints as it
 * first read them, per validator factory; after a batch that reshaped classes, the factories the
 * context holds (Spring's {@code LocalValidatorFactoryBean}, or Hibernate Validator's own as a
 * bean) forget them, so that constraints added, removed or changed on fields, getters and
 * parameters apply from the next validation. Reached by name: neither is on hotswap's class path.
 */
final class Validators {
    private static final String SPRING_FACTORY = "org.springframework.validation.beanvalidation.LocalValidatorFactoryBean";
    private static final String HIBERNATE_FACTORY = "org.hibernate.validator.internal.engine.ValidatorFactoryImpl";

    private Validators() {
    }

    /** Forgets every class's constraints in the factories the bean factory holds; returns how many factories forgot. */
    static int forget(ConfigurableListableBeanFactory factory) {
        List<Object> validatorFactories = new ArrayList<>();
        for (String name : factory.getSingletonNames()) {
            Object bean = factory.getSingleton(name);
            Object validatorFactory = bean == null ? null
                    : is(bean.getClass(), SPRING_FACTORY) ? Internals.field(bean, bean.getClass(), "validatorFactory").orElse(null)
                    : is(bean.getClass(), HIBERNATE_FACTORY) ? bean : null;
            if (validatorFactory != null && validatorFactories.stream().noneMatch(v -> v == validatorFactory)) {
                validatorFactories.add(validatorFactory);
            }
        }
        int forgot = 0;
        for (Object validatorFactory : validatorFactories) {
            // One metadata manager per validator configuration; each keeps every class's constraints.
            Object managers = Internals.field(validatorFactory, validatorFactory.getClass(), "beanMetaDataManagers").orElse(null);
            if (managers instanceof java.util.Map<?, ?> map) {
                for (Object manager : map.values()) {
                    try {
                        Internals.call(manager, manager.getClass(), "clear", new Class<?>[0]);
                    } catch (Exception e) {
                        continue; // a version without it: its constraints stay as read
                    }
                }
                forgot++;
            }
        }
        return forgot;
    }

    private static boolean is(Class<?> type, String name) {
        for (Class<?> k = type; k != null; k = k.getSuperclass()) {
            if (k.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
