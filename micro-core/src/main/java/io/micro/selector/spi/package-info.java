/**
 * The plugin author's side of node selection: {@link io.micro.selector.spi.SelectorProvider} makes
 * a selector selectable by name ({@code --selector=registry}) through {@link
 * java.util.ServiceLoader}. Applications do not need this package.
 */
@NullMarked
package io.micro.selector.spi;

import org.jspecify.annotations.NullMarked;
