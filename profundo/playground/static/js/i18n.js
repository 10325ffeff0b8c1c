// Every word of the page, in English and Spanish.
// Elements name their text with data-i18n="key" (text) or data-i18n-title="key" (tooltip);
// code asks t("key", {name: value}) for text with {name} placeholders filled in.

const STRINGS = {
  en: {
    title: "playground",
    reset: "Reset the network", play: "Run / pause", pause: "Pause", step: "One epoch",
    step_batch: "One mini-batch: see backpropagation", one_batch: "1 batch",
    backprop_help: "One mini-batch: its points are ringed in the output; each connection is as wide as its gradient ∂L/∂w, blue where the update raised the weight, orange where it lowered it. Hover over a connection for w, ∂L/∂w and Δw.",
    epoch: "Epoch", mode: "Mode", mode_network: "Neural network", mode_perceptron: "Perceptron",
    learning_rate: "Learning rate", activation: "Activation", linear: "Linear",
    regularization: "Regularization", none: "None", regularization_rate: "Regularization rate",
    problem: "Problem type", classification: "Classification", regression: "Regression",
    optimizer: "Optimizer", sgd: "SGD", momentum_sgd: "SGD with momentum", momentum: "Momentum β",
    language_switch: "Cambiar a español", export_script: "Export script", export_model: "Export model",
    data: "Data", which_dataset: "Which dataset do you want to use?",
    circle: "Circle", xor: "Exclusive or", gauss: "Gaussian", spiral: "Spiral", plane: "Plane",
    multi_gauss: "Multi Gaussian", custom: "Your data",
    train_ratio: "Ratio of training to test data", noise: "Noise", batch_size: "Batch size",
    n_points: "Points", regenerate: "Regenerate",
    own_data: "Your own data", own_data_help: "Click on the output to add a point of this class:",
    blue: "blue", orange: "orange", upload_csv: "Upload CSV", clear_points: "Clear points",
    empty_plane: "Empty plane", need_points: "Click on the plane to add points: {n} so far, at least {min} to train.",
    csv_help: "CSV rows: x1, x2, label (−6 … 6; label 0 or 1, or −1 … 1 for regression)",
    add_layer: "Add a hidden layer", remove_layer: "Remove a hidden layer",
    hidden_layers: "hidden layers", hidden_layer: "hidden layer", dropout: "Dropout",
    neurons_per_layer: "neurons in a layer", animate: "Animate links",
    loss: "Loss", loss_default: "Cross-entropy (MSE in regression)", loss_squared: "½ (ŷ − y)², as TF Playground",
    init_zero: "Start from zero weights", add_point: "Add point",
    inspect_mode: "Inspect a point: click on the output", inspect_title: "The point ({x1}, {x2})",
    inspect_layer: "layer {n}", inspect_probability: "output: probability of blue {value}",
    inspect_value: "output: {value}", error_no_inspect: "The perceptron has only its output neuron.",
    feature_state: "{name}: {state}. Enter or space to switch", in_use: "in use", not_in_use: "not in use",
    neuron_name: "Layer {layer}, neuron {unit}: bias {bias}. Enter to change it",
    link_name: "Weight from {source} to layer {layer}, neuron {unit}: {value}. Enter to change it",
    chart_epoch: "epoch {n}", chart_accuracy_key: "accuracy (right)", chart_best_key: "lowest test loss",
    chart_best: "lowest test loss {loss} at epoch {epoch} (where early stopping would stop)",
    chart_accuracy: "test accuracy {value}%",
    chart_oscillating: "the loss jumps up and down: try a lower learning rate",
    chart_rising: "the test loss is climbing: training may be diverging or overfitting",
    dead_one: "1 neuron is dead: its output is 0 for every point (a ReLU's often is), so its weights get no gradient and no longer learn.",
    dead_many: "{n} neurons are dead: their output is 0 for every point (a ReLU's often is), so their weights get no gradient and no longer learn.",
    classroom: "Classroom mode", copy_link: "Copy link", share_link: "Link to share",
    classroom_help: "Hide what a lesson does not need, then share the link: it opens the playground as you see it now.",
    export_buttons: "Export buttons", language_button: "Language button", explanatory_text: "Explanatory text",
    link_copied: "Link copied.", link_select: "The link is selected: copy it (Ctrl+C).",
    legend_caption: "Colours show data, neuron and weight values: orange is negative (class 0), blue positive (class 1).", batch_norm: "Batch normalization",
    perceptron_help: "One neuron with a step activation, trained with the rule θ ← θ + α(y − ŷ)x. Try it on exclusive-or.",
    network_help: "Hover over a neuron to enlarge it, click it to change its bias (the small square at its corner); hover over a connection to read its weight, click to change it. Bars: mean gradient size per layer.",
    output: "Output", test_loss: "Test loss", train_loss: "Training loss",
    test_error: "Test error", train_error: "Training error",
    show_test: "Show test data", discretize: "Discretize output",
    features: "Features", feature_toggle: "Click to use this feature or not",
    neurons: "{n} neurons", neuron: "1 neuron", add_neuron: "Add a neuron", remove_neuron: "Remove a neuron",
    output_neuron: "Output",
    weight: "Weight {value}", bias: "Bias {value}", set_weight: "New weight:", set_bias: "New bias:",
    gradient: "Mean |∂L/∂W|: {value}",
    status_diverged: "The loss is no longer a number: the learning rate is too high. Lower it and reset.",
    status_converged: "The perceptron converged: no mistakes in the last epoch.",
    status_not_converged: "The perceptron did not converge: its one boundary, a straight line in its features, cannot separate these classes.",
    status_epoch_limit: "Training stopped at the epoch limit.",
    connecting: "Connecting to the server…", disconnected: "The connection to the server was lost. Reload the page.",
    error_bad_json: "The server could not read a message.", error_bad_message: "The server could not read a message.",
    error_invalid: "The server refused a setting.", error_too_large: "The message was too large.",
    error_no_model: "The perceptron has no model file; export the script instead.",
    error_internal: "Something went wrong on the server.",
    lessons: "Lessons:", close_lesson: "Close the lesson",
    course_chapter: "In the course: chapter {n}",
    lesson_one_neuron_title: "One neuron draws a line",
    lesson_one_neuron: "With no hidden layer, the network is one neuron: it splits the plane with one straight line. Press ▶: the two Gaussian clouds are separated. Now choose the circle: no straight line can do it. Which features would help?",
    lesson_features_title: "Features make it easy",
    lesson_features: "Given x₁² and x₂² instead of x₁ and x₂, the circle becomes a straight line in the features: one neuron is enough again. Press ▶ and look at the two features' pictures.",
    lesson_hidden_layer_title: "A hidden layer combines lines",
    lesson_hidden_layer: "Exclusive or needs more than one line. Each of the 4 hidden neurons draws a line (look at their pictures); the output combines them. Press ▶, then try 2 neurons, then 1.",
    lesson_learning_rate_title: "Too fast to learn",
    lesson_learning_rate: "At learning rate 3 the steps are too big: the loss jumps up and down or diverges. Lower the rate step by step and find the fastest one that still learns the spiral.",
    lesson_backprop_title: "Backpropagation, step by step",
    lesson_backprop: "Press \"1 batch\" a few times. The ringed points are the mini-batch; each connection is as wide as its gradient ∂L/∂w for that batch, blue where the update raised the weight. Hover over one: Δw = −η ∂L/∂w.",
    lesson_overfitting_title: "Overfitting",
    lesson_overfitting: "Few noisy training points and a big network: press ▶ and watch the training loss fall while the test loss rises again (the red dot marks where to stop). Then try L2 regularization, or fewer neurons.",
    about_title: "What is this?",
    about_text: "A neural network learning in your browser, trained by profundo on the computer that serves this page. Choose the data, the input features and the network, then press ▶: each neuron's picture shows what it computes over the whole plane, and the output shows how the network answers for every point of it.",
    colours_title: "What do the colours mean?",
    colours_text: "Orange is negative and blue positive. For the points, orange is class 0 and blue class 1 (in regression, the value). For a neuron, its output over the plane. For a connection, its weight: wider for a larger weight, fading to white as the weight shrinks to zero. The small square at a neuron's corner is its bias.",
    losses_title: "Training loss and test loss",
    losses_text: "The network learns from the training points; the test points are kept apart and only measured. When the training loss keeps falling while the test loss rises, the network is learning the training points by heart instead of the pattern: it overfits. Regularization, fewer neurons or more data help.",
    try_title: "Things to try",
    try_text: "With only x₁ and x₂ and no hidden layer, the circle cannot be learned: one neuron draws one straight line. Add x₁² and x₂², or a hidden layer, and it can. The spiral needs more: several layers, or the sine features. Raise the learning rate until training diverges, then lower it again.",
    error_too_many_pages: "Too many pages are open on this server. Close one of them and reload this page.",
    error_idle: "The server closed this page's session after a long time without use. Reload the page to go on.",
    error_csv: "The CSV file has no valid rows (x1, x2, label).",
    error_too_many_points: "At most {n} points.",
    csv_loaded: "{n} points loaded.",
  },
  es: {
    title: "laboratorio",
    reset: "Reiniciar la red", play: "Entrenar / pausar", pause: "Pausar", step: "Una época",
    step_batch: "Un minilote: ver la retropropagación", one_batch: "1 lote",
    backprop_help: "Un minilote: sus puntos aparecen rodeados en la salida; cada conexión es tan ancha como su gradiente ∂L/∂w, azul donde la actualización subió el peso y naranja donde lo bajó. Pasa el ratón sobre una conexión para ver w, ∂L/∂w y Δw.",
    epoch: "Época", mode: "Modo", mode_network: "Red neuronal", mode_perceptron: "Perceptrón",
    learning_rate: "Tasa de aprendizaje", activation: "Activación", linear: "Lineal",
    regularization: "Regularización", none: "Ninguna", regularization_rate: "Tasa de regularización",
    problem: "Tipo de problema", classification: "Clasificación", regression: "Regresión",
    optimizer: "Optimizador", sgd: "SGD", momentum_sgd: "SGD con momento", momentum: "Momento β",
    language_switch: "Switch to English", export_script: "Exportar script", export_model: "Exportar modelo",
    data: "Datos", which_dataset: "¿Qué conjunto de datos quieres usar?",
    circle: "Círculo", xor: "O exclusivo", gauss: "Gaussianas", spiral: "Espiral", plane: "Plano",
    multi_gauss: "Varias gaussianas", custom: "Tus datos",
    train_ratio: "Proporción de entrenamiento y prueba", noise: "Ruido", batch_size: "Tamaño del lote",
    n_points: "Puntos", regenerate: "Regenerar",
    own_data: "Tus propios datos", own_data_help: "Haz clic en la salida para añadir un punto de esta clase:",
    blue: "azul", orange: "naranja", upload_csv: "Subir CSV", clear_points: "Borrar puntos",
    empty_plane: "Plano vacío", need_points: "Haz clic en el plano para añadir puntos: llevas {n}, hacen falta al menos {min} para entrenar.",
    csv_help: "Filas del CSV: x1, x2, etiqueta (−6 … 6; etiqueta 0 o 1, o −1 … 1 en regresión)",
    add_layer: "Añadir una capa oculta", remove_layer: "Quitar una capa oculta",
    hidden_layers: "capas ocultas", hidden_layer: "capa oculta", dropout: "Dropout",
    neurons_per_layer: "neuronas de una capa", animate: "Animar conexiones",
    loss: "Pérdida", loss_default: "Entropía cruzada (ECM en regresión)", loss_squared: "½ (ŷ − y)², como TF Playground",
    init_zero: "Empezar con pesos cero", add_point: "Añadir punto",
    inspect_mode: "Inspeccionar un punto: haz clic en la salida", inspect_title: "El punto ({x1}, {x2})",
    inspect_layer: "capa {n}", inspect_probability: "salida: probabilidad de azul {value}",
    inspect_value: "salida: {value}", error_no_inspect: "El perceptrón solo tiene su neurona de salida.",
    feature_state: "{name}: {state}. Intro o espacio para cambiar", in_use: "en uso", not_in_use: "sin usar",
    neuron_name: "Capa {layer}, neurona {unit}: sesgo {bias}. Intro para cambiarlo",
    link_name: "Peso de {source} a la capa {layer}, neurona {unit}: {value}. Intro para cambiarlo",
    chart_epoch: "época {n}", chart_accuracy_key: "exactitud (derecha)", chart_best_key: "menor pérdida de prueba",
    chart_best: "menor pérdida de prueba {loss} en la época {epoch} (donde pararía la parada temprana)",
    chart_accuracy: "exactitud de prueba {value}%",
    chart_oscillating: "la pérdida sube y baja: prueba una tasa de aprendizaje menor",
    chart_rising: "la pérdida de prueba está subiendo: el entrenamiento puede estar divergiendo o sobreajustando",
    dead_one: "1 neurona está muerta: su salida es 0 en todos los puntos (le pasa a menudo a una ReLU), así que sus pesos no reciben gradiente y ya no aprenden.",
    dead_many: "{n} neuronas están muertas: su salida es 0 en todos los puntos (le pasa a menudo a una ReLU), así que sus pesos no reciben gradiente y ya no aprenden.",
    classroom: "Modo aula", copy_link: "Copiar enlace", share_link: "Enlace para compartir",
    classroom_help: "Oculta lo que una lección no necesita y comparte el enlace: abre el laboratorio tal como lo ves ahora.",
    export_buttons: "Botones de exportar", language_button: "Botón de idioma", explanatory_text: "Texto explicativo",
    link_copied: "Enlace copiado.", link_select: "El enlace está seleccionado: cópialo (Ctrl+C).",
    legend_caption: "Los colores muestran los datos, las neuronas y los pesos: naranja es negativo (clase 0), azul positivo (clase 1).", batch_norm: "Normalización por lotes",
    perceptron_help: "Una neurona con activación escalón, entrenada con la regla θ ← θ + α(y − ŷ)x. Pruébala con el o exclusivo.",
    network_help: "Pasa el ratón sobre una neurona para ampliarla y haz clic para cambiar su sesgo (el cuadrito de su esquina); pasa sobre una conexión para leer su peso y haz clic para cambiarlo. Barras: tamaño medio del gradiente por capa.",
    output: "Salida", test_loss: "Pérdida de prueba", train_loss: "Pérdida de entrenamiento",
    test_error: "Error de prueba", train_error: "Error de entrenamiento",
    show_test: "Mostrar datos de prueba", discretize: "Discretizar la salida",
    features: "Características", feature_toggle: "Haz clic para usar o no esta característica",
    neurons: "{n} neuronas", neuron: "1 neurona", add_neuron: "Añadir una neurona", remove_neuron: "Quitar una neurona",
    output_neuron: "Salida",
    weight: "Peso {value}", bias: "Sesgo {value}", set_weight: "Nuevo peso:", set_bias: "Nuevo sesgo:",
    gradient: "Media de |∂L/∂W|: {value}",
    status_diverged: "La pérdida ya no es un número: la tasa de aprendizaje es demasiado alta. Bájala y reinicia.",
    status_converged: "El perceptrón convergió: ningún error en la última época.",
    status_not_converged: "El perceptrón no convergió: su única frontera, una recta en sus características, no puede separar estas clases.",
    status_epoch_limit: "El entrenamiento se detuvo en el límite de épocas.",
    connecting: "Conectando con el servidor…", disconnected: "Se perdió la conexión con el servidor. Recarga la página.",
    error_bad_json: "El servidor no pudo leer un mensaje.", error_bad_message: "El servidor no pudo leer un mensaje.",
    error_invalid: "El servidor rechazó un ajuste.", error_too_large: "El mensaje era demasiado grande.",
    error_no_model: "El perceptrón no tiene archivo de modelo; exporta el script.",
    error_internal: "Algo falló en el servidor.",
    lessons: "Lecciones:", close_lesson: "Cerrar la lección",
    course_chapter: "En el curso: capítulo {n}",
    lesson_one_neuron_title: "Una neurona traza una recta",
    lesson_one_neuron: "Sin capas ocultas, la red es una sola neurona: divide el plano con una recta. Pulsa ▶: las dos nubes gaussianas quedan separadas. Ahora elige el círculo: ninguna recta puede hacerlo. ¿Qué características ayudarían?",
    lesson_features_title: "Las características lo facilitan",
    lesson_features: "Con x₁² y x₂² en vez de x₁ y x₂, el círculo se vuelve una recta en las características: vuelve a bastar una neurona. Pulsa ▶ y mira las imágenes de las dos características.",
    lesson_hidden_layer_title: "Una capa oculta combina rectas",
    lesson_hidden_layer: "El o exclusivo necesita más de una recta. Cada una de las 4 neuronas ocultas traza una recta (mira sus imágenes); la salida las combina. Pulsa ▶ y prueba luego con 2 neuronas, y con 1.",
    lesson_learning_rate_title: "Demasiado rápido para aprender",
    lesson_learning_rate: "Con tasa de aprendizaje 3 los pasos son demasiado grandes: la pérdida sube y baja o diverge. Baja la tasa paso a paso y busca la más rápida que aún aprende la espiral.",
    lesson_backprop_title: "La retropropagación, paso a paso",
    lesson_backprop: "Pulsa «1 lote» varias veces. Los puntos rodeados son el minilote; cada conexión es tan ancha como su gradiente ∂L/∂w para ese lote, azul donde la actualización subió el peso. Pasa el ratón por una: Δw = −η ∂L/∂w.",
    lesson_overfitting_title: "Sobreajuste",
    lesson_overfitting: "Pocos puntos de entrenamiento con ruido y una red grande: pulsa ▶ y mira cómo baja la pérdida de entrenamiento mientras la de prueba vuelve a subir (el punto rojo marca dónde parar). Prueba luego la regularización L2, o menos neuronas.",
    about_title: "¿Qué es esto?",
    about_text: "Una red neuronal que aprende en tu navegador, entrenada por profundo en el ordenador que sirve esta página. Elige los datos, las características de entrada y la red, y pulsa ▶: la imagen de cada neurona muestra lo que calcula sobre todo el plano, y la salida muestra lo que responde la red en cada punto.",
    colours_title: "¿Qué significan los colores?",
    colours_text: "El naranja es negativo y el azul positivo. En los puntos, naranja es la clase 0 y azul la clase 1 (en regresión, el valor). En una neurona, su salida sobre el plano. En una conexión, su peso: más ancha cuanto mayor es el peso, y se desvanece hacia el blanco cuando el peso se acerca a cero. El cuadrito en la esquina de cada neurona es su sesgo.",
    losses_title: "Pérdida de entrenamiento y de prueba",
    losses_text: "La red aprende de los puntos de entrenamiento; los de prueba se guardan aparte y solo se miden. Si la pérdida de entrenamiento sigue bajando mientras la de prueba sube, la red se aprende de memoria los puntos en vez del patrón: hay sobreajuste. La regularización, menos neuronas o más datos ayudan.",
    try_title: "Cosas que probar",
    try_text: "Solo con x₁ y x₂ y sin capas ocultas, el círculo no se puede aprender: una neurona traza una sola recta. Añade x₁² y x₂², o una capa oculta, y sí se puede. La espiral necesita más: varias capas, o las características seno. Sube la tasa de aprendizaje hasta que el entrenamiento diverja y vuelve a bajarla.",
    error_too_many_pages: "Hay demasiadas páginas abiertas en este servidor. Cierra una y recarga esta página.",
    error_idle: "El servidor cerró la sesión de esta página tras mucho tiempo sin uso. Recarga la página para seguir.",
    error_csv: "El archivo CSV no tiene filas válidas (x1, x2, etiqueta).",
    error_too_many_points: "Como mucho {n} puntos.",
    csv_loaded: "{n} puntos cargados.",
  },
};

// the reason a setting was refused (the server's "reason"), in each language: {field}, {limit}
const REASONS = {
  en: {
    less_than_equal: "{field}: at most {limit}", greater_than_equal: "{field}: at least {limit}",
    less_than: "{field}: less than {limit}", greater_than: "{field}: more than {limit}",
    too_long: "{field}: at most {limit} values", too_short: "{field}: at least {limit} values",
    literal_error: "{field}: not one of the choices", extra_forbidden: "{field}: not a setting",
    missing: "{field}: missing", finite_number: "{field}: not a finite number",
    float_type: "{field}: not a number", int_type: "{field}: not a whole number",
    bool_type: "{field}: not yes or no", too_few_points: "at least {limit} points are needed",
    labels_01: "classification labels are 0 or 1", repeated_feature: "each feature once",
    wrong_dataset: "this data set is for the other problem type",
    perceptron_classifies: "the perceptron only classifies",
    points_not_custom: "points only go with your own data", outside_network: "no such weight in this network",
    too_large: "at most {limit} bytes",
  },
  es: {
    less_than_equal: "{field}: como mucho {limit}", greater_than_equal: "{field}: como mínimo {limit}",
    less_than: "{field}: menos de {limit}", greater_than: "{field}: más de {limit}",
    too_long: "{field}: como mucho {limit} valores", too_short: "{field}: como mínimo {limit} valores",
    literal_error: "{field}: no es una de las opciones", extra_forbidden: "{field}: no es un ajuste",
    missing: "{field}: falta", finite_number: "{field}: no es un número finito",
    float_type: "{field}: no es un número", int_type: "{field}: no es un número entero",
    bool_type: "{field}: no es sí o no", too_few_points: "hacen falta al menos {limit} puntos",
    labels_01: "en clasificación las etiquetas son 0 o 1", repeated_feature: "cada característica una vez",
    wrong_dataset: "este conjunto de datos es del otro tipo de problema",
    perceptron_classifies: "el perceptrón solo clasifica",
    points_not_custom: "los puntos solo van con tus datos", outside_network: "esa conexión no existe en esta red",
    too_large: "como mucho {limit} bytes",
  },
};
// the codes whose own text says everything: no detail after it
const SELF_EXPLAINED = ["too_many_pages", "idle", "no_model", "no_inspect"];
const FIELD_NAMES = { hidden: "hidden_layers", points: "custom" };
const SAVED = "profundo-playground-language";

function savedLanguage() {
  try {
    return localStorage.getItem(SAVED);
  } catch {
    return null; // storage can be switched off
  }
}

let language = savedLanguage() in STRINGS ? savedLanguage()
  : (navigator.language || "en").toLowerCase().startsWith("es") ? "es" : "en";

export function currentLanguage() {
  return language;
}

/** The text for `key` in the current language, with {name} placeholders filled from `values`. */
export function t(key, values = {}) {
  const text = STRINGS[language][key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

/** The details of a server's error message in the current language: its reason translated
 *  when the server named one the page knows (else its English detail). */
export function explain(error) {
  if (SELF_EXPLAINED.includes(error.code)) return "";
  const reason = REASONS[language][error.reason];
  if (!reason) return error.detail ?? "";
  const [name, index] = (error.field ?? "").split(".").filter((part) => part !== "config");
  const key = name === "hidden" && index !== undefined ? "neurons_per_layer" : FIELD_NAMES[name] ?? name;
  const field = name ? t(key) : "";
  return reason.replace(/\{(\w+)\}/g, (_, key) => (key === "field" ? field : String(error.limit ?? "")))
    .replace(/^: /, "");
}

/** Switch the language and translate every marked element under `root`; `remember`: keep the
 *  choice for the next visit (a choice made by the learner, not the browser's language). */
export function setLanguage(lang, root = document, remember = false) {
  language = lang in STRINGS ? lang : "en";
  if (remember) {
    try {
      localStorage.setItem(SAVED, language);
    } catch {
      // not kept: the page still works
    }
  }
  document.documentElement.lang = language;
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-title]")) {
    el.title = t(el.dataset.i18nTitle);
    el.setAttribute("aria-label", el.title);
  }
}
