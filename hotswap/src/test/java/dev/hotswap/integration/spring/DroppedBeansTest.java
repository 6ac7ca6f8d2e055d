package dev.hotswap.integration.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hotswap.integration.Context;
import dev.hotswap.integration.Integration;
import dev.hotswap.integration.Swap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.support.GenericApplicationContext;

/** A class file deleted while a {@code @Bean} method's product holds its bean: it stays, warned; nothing fails. */
class DroppedBeansTest {
    public static class Held {
    }

    public static class Holder {
        final Held held;

        public Holder(Held held) {
            this.held = held;
        }

        public static Holder make(Held held) {
            return new Holder(held);
        }
    }

    @Test
    void aBeanHeldByABeanMethodsProductStaysAndIsNamed() {
        try (GenericApplicationContext app = new GenericApplicationContext()) {
            app.registerBean("held", Held.class);
            RootBeanDefinition product = new RootBeanDefinition();
            product.setBeanClass(Holder.class);
            product.setFactoryMethodName("make");
            product.setAutowireMode(RootBeanDefinition.AUTOWIRE_CONSTRUCTOR);
            app.registerBeanDefinition("holder", product);
            app.refresh();
            assertThat(app.getBean(Holder.class).held).isSameAs(app.getBean(Held.class));
            // As a @Bean method's bean: no class name of its own, only its factory's.
            product.setBeanClassName(null);
            ((RootBeanDefinition) app.getBeanFactory().getMergedBeanDefinition("holder")).setBeanClassName(null);

            Integration follower = new SpringFollower(new Context() {
                @Override
                public List<Object> seen() {
                    return List.of(app);
                }

                @Override
                public boolean startedLate() {
                    return false;
                }

                @Override
                public void open(Class<?> type) {
                }
            });
            Integration.Followed followed = follower.afterSwap(new Swap(List.of(), List.of(), List.of(),
                    List.of(Held.class.getName())));
            assertThat(followed.warnings()).singleElement().satisfies(w -> assertThat(w.message())
                    .contains("its class file was deleted, but bean(s) holder still hold bean 'held'"));
            assertThat(app.containsBean("held")).isTrue();
        }
    }
}
